#include "sasmlm/data/text_corpus.h"

#include "sasmlm/core/error.h"
#include "sasmlm/data/text_words.h"

namespace sasmlm {

bool is_text_corpus(const std::string& path) {
  const std::string suffix = ".txt";
  return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
}

TextCorpusReader::TextCorpusReader(const std::string& path) : path_(path), in_(path, std::ios::binary) {
  if (!in_) throw UserError(path + ": cannot open the plain-text corpus");
}

bool TextCorpusReader::next(ConlluSentence& sentence) {
  while (std::getline(in_, line_)) {
    ++line_number_;
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    if (line_.find_first_not_of(" \t\f\v") == std::string::npos) {
      new_document_ = true;
      continue;
    }
    sentence.words.clear();
    int32_t id = 0;
    for (std::string& word : split_words(line_)) {
      ConlluWord w;
      w.id = ++id;
      w.form = std::move(word);
      w.head = 0;  // no arc
      sentence.words.push_back(std::move(w));
    }
    sentence.sent_id.clear();
    sentence.text = line_;
    sentence.new_document = new_document_;
    sentence.line = line_number_;
    new_document_ = false;
    if (!sentence.words.empty()) return true;
  }
  if (in_.bad()) throw UserError(path_ + ": read error at line " + std::to_string(line_number_ + 1));
  return false;
}

}  // namespace sasmlm
