#include "sasmlm/data/text_corpus.h"

#include "sasmlm/data/text_words.h"

namespace sasmlm {

bool is_text_corpus(const std::string& path) {
  const std::string name = without_gzip_suffix(path);
  const std::string suffix = ".txt";
  return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

TextCorpusReader::TextCorpusReader(const std::string& path) : path_(path), in_(path, "plain-text corpus") {}

bool TextCorpusReader::next(ConlluSentence& sentence) {
  while (in_.read_line(line_)) {
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
  return false;
}

}  // namespace sasmlm
