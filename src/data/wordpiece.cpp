#include "sasmlm/data/wordpiece.h"

#include <array>

#include "sasmlm/core/error.h"
#include "sasmlm/data/bert_text.h"

namespace sasmlm {
namespace {

constexpr const char* kMagic = "sasmlm-wordpiece 1\n";
constexpr const char* kLowercaseLine = "lowercase\n";
constexpr const char* kCasedLine = "cased\n";

bool starts_with(const std::string& s, size_t at, const std::string& prefix) {
  return s.compare(at, prefix.size(), prefix) == 0;
}

// Number of code points of UTF-8 text (continuation bytes are not counted).
int64_t count_chars(const std::string& s) {
  int64_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace

WordPiece WordPiece::from_vocab_text(const std::string& text, bool lowercase, const std::string& what) {
  WordPiece wp;
  wp.lowercase_ = lowercase;
  size_t at = 0;
  while (at < text.size()) {
    const size_t end = text.find_first_of("\r\n", at);
    const size_t stop = end == std::string::npos ? text.size() : end;
    wp.tokens_.push_back(text.substr(at, stop - at));
    wp.ids_[wp.tokens_.back()] = int32_t(wp.tokens_.size() - 1);
    at = stop;
    if (at < text.size() && text[at] == '\r') {
      ++at;
      if (at < text.size() && text[at] == '\n') ++at;  // \r\n
    } else if (at < text.size()) {
      ++at;  // \n
    }
  }
  const std::array<std::pair<const char*, int32_t*>, 5> specials = {{{"[PAD]", &wp.pad_id_},
                                                                     {"[UNK]", &wp.unk_id_},
                                                                     {"[CLS]", &wp.cls_id_},
                                                                     {"[SEP]", &wp.sep_id_},
                                                                     {"[MASK]", &wp.mask_id_}}};
  for (const auto& [token, id] : specials) {
    *id = wp.find(token);
    if (*id < 0) {
      throw UserError(what + ": the vocabulary has no " + token + " token (" + std::to_string(wp.tokens_.size()) +
                      " lines read; a BERT WordPiece vocab.txt lists [PAD] [UNK] [CLS] [SEP] [MASK])");
    }
  }
  return wp;
}

bool WordPiece::is_serialized(const std::string& bytes) { return starts_with(bytes, 0, kMagic); }

WordPiece WordPiece::from_serialized(const std::string& bytes, const std::string& what) {
  if (!is_serialized(bytes)) throw UserError(what + ": not a serialized WordPiece vocabulary");
  size_t at = std::string(kMagic).size();
  bool lowercase = false;
  if (starts_with(bytes, at, kLowercaseLine)) {
    lowercase = true;
    at += std::string(kLowercaseLine).size();
  } else if (starts_with(bytes, at, kCasedLine)) {
    at += std::string(kCasedLine).size();
  } else {
    throw UserError(what + ": corrupt WordPiece header (expected 'lowercase' or 'cased' on line 2)");
  }
  return from_vocab_text(bytes.substr(at), lowercase, what);
}

std::string WordPiece::serialized() const {
  return std::string(kMagic) + (lowercase_ ? kLowercaseLine : kCasedLine) + vocab_text();
}

std::string WordPiece::vocab_text() const {
  std::string text;
  for (const auto& t : tokens_) {
    text += t;
    text += '\n';
  }
  return text;
}

int32_t WordPiece::find(const std::string& token) const {
  const auto it = ids_.find(token);
  return it == ids_.end() ? -1 : it->second;
}

void WordPiece::encode_basic_word(const std::string& word, std::vector<int32_t>& ids) const {
  if (count_chars(word) > kWordPieceMaxWordChars) {
    ids.push_back(unk_id_);
    return;
  }
  const size_t first = ids.size();
  std::string candidate;
  size_t start = 0;
  while (start < word.size()) {
    // Longest piece starting at `start`; ends are tried at character boundaries only.
    int32_t found = -1;
    size_t end = word.size();
    while (end > start) {
      candidate.assign(start > 0 ? kWordPieceContinuation : "");
      candidate.append(word, start, end - start);
      found = find(candidate);
      if (found >= 0) break;
      do {
        --end;
      } while (end > start && (static_cast<unsigned char>(word[end]) & 0xC0) == 0x80);
    }
    if (found < 0) {  // no piece covers this position: the whole word is unknown
      ids.resize(first);
      ids.push_back(unk_id_);
      return;
    }
    ids.push_back(found);
    start = end;
  }
}

int32_t WordPiece::encode_word_into(const std::string& word, std::vector<int32_t>& ids) const {
  const size_t first = ids.size();
  for (const std::string& w : bert_basic_tokenize(word, lowercase_)) encode_basic_word(w, ids);
  return int32_t(ids.size() - first);
}

void WordPiece::encode_text_into(const std::string& text, std::vector<int32_t>& ids) const {
  const std::array<std::pair<std::string, int32_t>, 5> specials = {
      {{"[PAD]", pad_id_}, {"[UNK]", unk_id_}, {"[CLS]", cls_id_}, {"[SEP]", sep_id_}, {"[MASK]", mask_id_}}};
  size_t segment = 0;
  for (size_t at = 0; at < text.size(); ++at) {
    if (text[at] != '[') continue;
    for (const auto& [token, id] : specials) {
      if (!starts_with(text, at, token)) continue;
      encode_word_into(text.substr(segment, at - segment), ids);
      ids.push_back(id);
      at += token.size() - 1;
      segment = at + 1;
      break;
    }
  }
  encode_word_into(text.substr(segment), ids);
}

std::string WordPiece::decode(const std::vector<int32_t>& ids) const {
  std::string text;
  const std::string prefix = kWordPieceContinuation;
  for (const int32_t id : ids) {
    if (id < 0 || id >= size()) {
      throw UserError("token id " + std::to_string(id) + " is outside the vocabulary (0.." +
                      std::to_string(size() - 1) + ")");
    }
    const std::string& t = tokens_[size_t(id)];
    if (starts_with(t, 0, prefix)) {
      text += t.substr(prefix.size());
    } else {
      if (!text.empty()) text += ' ';
      text += t;
    }
  }
  return text;
}

}  // namespace sasmlm
