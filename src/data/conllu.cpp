#include "sasmlm/data/conllu.h"

#include <cstring>
#include <utility>

#include "sasmlm/core/error.h"

namespace sasmlm {
namespace {

constexpr size_t kReadBlock = 1 << 16;
constexpr int kColumns = 10;
const char* const kColumnNames[kColumns] = {"ID",    "FORM", "LEMMA", "UPOS", "XPOS",
                                            "FEATS", "HEAD", "DEPREL", "DEPS", "MISC"};

// Parses a non-negative decimal integer made only of digits; false on anything else or overflow past 10^9.
bool parse_index(const char* begin, const char* end, int32_t& value) {
  if (begin == end || end - begin > 9) return false;
  int32_t v = 0;
  for (const char* p = begin; p != end; ++p) {
    if (*p < '0' || *p > '9') return false;
    v = v * 10 + (*p - '0');
  }
  value = v;
  return true;
}

// Offset of the first byte that breaks UTF-8 (overlongs and surrogates included), or npos when valid.
size_t invalid_utf8_at(const std::string& s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra = 0;
    uint32_t code = 0;
    if ((c & 0xE0) == 0xC0) {
      extra = 1;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      code = c & 0x07;
    } else {
      return i;
    }
    for (int k = 1; k <= extra; ++k) {
      if (i + k >= n || (p[i + k] & 0xC0) != 0x80) return i;
      code = (code << 6) | (p[i + k] & 0x3F);
    }
    static const uint32_t kMin[4] = {0, 0x80, 0x800, 0x10000};
    if (code < kMin[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return i;
    i += extra + 1;
  }
  return std::string::npos;
}

// Splits on tabs into `columns` (reused between calls).
void split_tabs(const std::string& line, std::vector<std::string>& columns) {
  columns.clear();
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    if (tab == std::string::npos) {
      columns.emplace_back(line, start);
      return;
    }
    columns.emplace_back(line, start, tab - start);
    start = tab + 1;
  }
}

// True when `line` is the comment "# key = value"; sets `value`.
bool comment_value(const std::string& line, const char* key, std::string& value) {
  size_t p = 1;
  while (p < line.size() && line[p] == ' ') ++p;
  const size_t key_len = std::strlen(key);
  if (line.compare(p, key_len, key) != 0) return false;
  p += key_len;
  while (p < line.size() && line[p] == ' ') ++p;
  if (p >= line.size() || line[p] != '=') return false;
  ++p;
  while (p < line.size() && line[p] == ' ') ++p;
  value.assign(line, p, std::string::npos);
  return true;
}

}  // namespace

ConlluReader::ConlluReader(const std::string& path, ConlluReaderOptions options)
    : path_(path), options_(options), in_(path, "CoNLL-U file"), buffer_(kReadBlock) {}

ConlluReader::~ConlluReader() = default;

bool ConlluReader::read_line(std::string& line) {
  line.clear();
  bool got_any = false;
  while (true) {
    if (buffer_pos_ == buffer_end_) {
      if (at_eof_) break;
      buffer_end_ = in_.read(buffer_.data(), buffer_.size());
      buffer_pos_ = 0;
      if (buffer_end_ == 0) {
        at_eof_ = true;
        break;
      }
    }
    got_any = true;
    const char* begin = buffer_.data() + buffer_pos_;
    const void* nl = std::memchr(begin, '\n', buffer_end_ - buffer_pos_);
    const size_t take = nl ? static_cast<size_t>(static_cast<const char*>(nl) - begin) : buffer_end_ - buffer_pos_;
    line.append(begin, take);
    if (line.size() > kMaxLineBytes) {
      throw UserError(path_ + ":" + std::to_string(line_number_ + 1) + ": line longer than " +
                      std::to_string(kMaxLineBytes) + " bytes; this does not look like a CoNLL-U text file");
    }
    buffer_pos_ += take;
    if (nl) {
      ++buffer_pos_;
      break;
    }
  }
  if (!got_any) return false;
  ++line_number_;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  // A UTF-8 byte order mark (editors on Windows write one) is not part of the text, as in the YAML and BLiMP readers.
  if (line_number_ == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
  if (std::memchr(line.data(), '\0', line.size()) != nullptr) {
    throw UserError(path_ + ":" + std::to_string(line_number_) +
                    ": NUL byte; this looks like a binary file, not CoNLL-U text (hint: check the data paths)");
  }
  return true;
}

void ConlluReader::fail(int64_t line, const std::string& reason) {
  if (!error_.empty()) return;
  error_ = reason;
  error_line_ = line;
}

void ConlluReader::parse_comment(const std::string& line, ConlluSentence& sentence) {
  if (seen_token_line_) {
    fail(line_number_, "comment line after word lines (hint: sentences must be separated by a blank line)");
    return;
  }
  std::string value;
  if (comment_value(line, "sent_id", value)) {
    sentence.sent_id = value;
  } else if (comment_value(line, "text", value)) {
    sentence.text = value;
  } else {
    size_t p = 1;
    while (p < line.size() && line[p] == ' ') ++p;
    if (line.compare(p, 6, "newdoc") == 0 &&
        (p + 6 == line.size() || line[p + 6] == ' ' || line[p + 6] == '=')) {
      pending_newdoc_ = true;
    }
  }
}

void ConlluReader::parse_token_line(const std::string& line, ConlluSentence& sentence) {
  seen_token_line_ = true;
  if (!error_.empty()) return;  // the sentence is already bad; just consume its lines
  split_tabs(line, columns_);
  if (static_cast<int>(columns_.size()) != kColumns) {
    std::string reason = "expected 10 tab-separated columns, found " + std::to_string(columns_.size());
    if (columns_.size() == 1 && line.find(' ') != std::string::npos) {
      reason += " (hint: CoNLL-U columns are separated by tabs, not spaces)";
    }
    fail(line_number_, reason);
    return;
  }
  for (int c = 0; c < kColumns; ++c) {
    if (columns_[c].empty()) {
      fail(line_number_, std::string("column ") + std::to_string(c + 1) + " (" + kColumnNames[c] +
                             ") is empty (hint: write _ for a missing value)");
      return;
    }
  }
  const size_t bad = invalid_utf8_at(line);
  if (bad != std::string::npos) {
    fail(line_number_, "invalid UTF-8 at byte " + std::to_string(bad + 1) + " of the line");
    return;
  }

  const std::string& id = columns_[0];
  const char* b = id.data();
  const char* e = b + id.size();
  const int32_t words_so_far = static_cast<int32_t>(sentence.words.size());
  if (const char* dash = static_cast<const char*>(std::memchr(b, '-', id.size()))) {
    Range r;
    r.line = line_number_;
    if (!parse_index(b, dash, r.start) || !parse_index(dash + 1, e, r.end) || r.start == 0) {
      fail(line_number_, "multiword token ID '" + id + "' is not a range like 3-4");
      return;
    }
    if (r.start > r.end) {
      fail(line_number_, "multiword token range " + id + " starts after it ends");
      return;
    }
    if (r.start != words_so_far + 1) {
      fail(line_number_, "multiword token range " + id + " must come right before word " +
                             std::to_string(r.start) + " (the next word would be " +
                             std::to_string(words_so_far + 1) + ")");
      return;
    }
    if (!ranges_.empty() && ranges_.back().end >= r.start) {
      fail(line_number_, "multiword token range " + id + " overlaps the range ending at word " +
                             std::to_string(ranges_.back().end));
      return;
    }
    ranges_.push_back(r);
    return;
  }
  if (const char* dot = static_cast<const char*>(std::memchr(b, '.', id.size()))) {
    int32_t major = 0, minor = 0;
    if (!parse_index(b, dot, major) || !parse_index(dot + 1, e, minor) || minor == 0) {
      fail(line_number_, "empty node ID '" + id + "' is not like 5.1");
      return;
    }
    if (major != words_so_far) {
      fail(line_number_, "empty node " + id + " must follow word " + std::to_string(major) + " (it follows word " +
                             std::to_string(words_so_far) + ")");
    }
    return;  // empty nodes carry enhanced-graph information only; they are not words
  }

  ConlluWord word;
  if (!parse_index(b, e, word.id)) {
    fail(line_number_, "ID '" + id + "' is not an integer, a range like 3-4, or an empty node like 5.1");
    return;
  }
  const std::string& head = columns_[6];
  if (!parse_index(head.data(), head.data() + head.size(), word.head)) {
    fail(line_number_, "HEAD '" + head + "' of word " + id + " is not a non-negative integer" +
                           (head == "_" ? " (hint: sasmlm needs gold dependency trees)" : ""));
    return;
  }
  word.form = columns_[1];
  word.upos = columns_[3];
  word.deprel = columns_[7];
  sentence.words.push_back(std::move(word));
  word_lines_.push_back(line_number_);
}

bool ConlluReader::next(ConlluSentence& sentence) {
  std::string line;
  while (true) {
    sentence.words.clear();
    sentence.sent_id.clear();
    sentence.text.clear();
    sentence.line = 0;
    error_.clear();
    error_line_ = 0;
    seen_token_line_ = false;
    word_lines_.clear();
    ranges_.clear();

    int64_t block_lines = 0;
    bool eof = true;
    while (read_line(line)) {
      if (line.empty() || line.find_first_not_of(" \t") == std::string::npos) {
        if (block_lines == 0) continue;  // extra blank lines between sentences
        eof = false;
        break;
      }
      if (block_lines == 0) sentence.line = line_number_;
      if (++block_lines > kMaxSentenceLines) {
        throw UserError(path_ + ":" + std::to_string(sentence.line) + ": sentence longer than " +
                        std::to_string(kMaxSentenceLines) +
                        " lines (hint: sentences must be separated by a blank line)");
      }
      if (line[0] == '#') {
        parse_comment(line, sentence);
      } else {
        parse_token_line(line, sentence);
      }
    }
    if (block_lines == 0 && eof) {
      if (sentences_read_ == 0) {
        std::string message = path_ + ": no sentences";
        if (sentences_skipped_ > 0) {
          message += " left: all " + std::to_string(sentences_skipped_) + " were invalid; first: " +
                     skip_reasons_.front();
        } else {
          message += " (empty file, or only comments; expected CoNLL-U: 10 tab-separated columns per word, "
                     "a blank line after each sentence)";
        }
        throw UserError(message);
      }
      return false;
    }

    if (error_.empty() && sentence.words.empty()) fail(sentence.line, "sentence has comment lines but no words");
    if (error_.empty() && !ranges_.empty() && ranges_.back().end > static_cast<int32_t>(sentence.words.size())) {
      fail(ranges_.back().line, "multiword token range " + std::to_string(ranges_.back().start) + "-" +
                                    std::to_string(ranges_.back().end) + " ends after the last word (" +
                                    std::to_string(sentence.words.size()) + ")");
    }
    if (error_.empty()) {
      int32_t word_index = -1;
      std::string reason = validate_sentence(sentence, word_index);
      if (!reason.empty()) fail(word_index >= 0 ? word_lines_[word_index] : sentence.line, reason);
    }
    if (error_.empty()) {
      sentence.new_document = pending_newdoc_;
      pending_newdoc_ = false;
      ++sentences_read_;
      return true;
    }

    std::string message = path_ + ":" + std::to_string(error_line_) + ": " + error_;
    if (!options_.skip_invalid) {
      throw UserError(message + " (hint: fix the file, or set data.skip_invalid=true to skip bad sentences)");
    }
    ++sentences_skipped_;
    if (static_cast<int>(skip_reasons_.size()) < kMaxReasons) skip_reasons_.push_back(message);
  }
}

std::string validate_sentence(const ConlluSentence& sentence) {
  int32_t word_index = -1;
  return validate_sentence(sentence, word_index);
}

std::string validate_sentence(const ConlluSentence& sentence, int32_t& word_index) {
  word_index = -1;
  const auto& words = sentence.words;
  const int32_t n = static_cast<int32_t>(words.size());
  if (n == 0) return "sentence has no words";
  int32_t root = -1;
  for (int32_t i = 0; i < n; ++i) {
    word_index = i;
    if (words[i].id != i + 1) {
      return "word ids must be consecutive from 1: expected " + std::to_string(i + 1) + ", found " +
             std::to_string(words[i].id);
    }
    if (words[i].head < 0 || words[i].head > n) {
      return "HEAD " + std::to_string(words[i].head) + " of word " + std::to_string(i + 1) +
             " is out of range (the sentence has " + std::to_string(n) + (n == 1 ? " word)" : " words)");
    }
    if (words[i].head == words[i].id) return "word " + std::to_string(i + 1) + " is its own head";
    if (words[i].head == 0) {
      if (root >= 0) {
        return "more than one root: words " + std::to_string(root + 1) + " and " + std::to_string(i + 1) +
               " both have HEAD 0 (expected exactly one)";
      }
      root = i;
    }
  }
  word_index = -1;
  if (root < 0) return "no root: no word has HEAD 0 (expected exactly one)";

  // Every word must reach the root by following heads: 0 = unseen, 1 = on the current path, 2 = reaches root.
  std::vector<uint8_t> state(n, 0);
  state[root] = 2;
  for (int32_t start = 0; start < n; ++start) {
    int32_t w = start;
    while (state[w] == 0) {
      state[w] = 1;
      w = words[w].head - 1;  // never the root's head here: the root is already state 2
    }
    if (state[w] == 1) {
      // w lies on a cycle: list it.
      std::string cycle = std::to_string(w + 1);
      for (int32_t v = words[w].head - 1; v != w; v = words[v].head - 1) cycle += " -> " + std::to_string(v + 1);
      cycle += " -> " + std::to_string(w + 1);
      word_index = w;
      return "cycle in heads: " + cycle;
    }
    for (int32_t v = start; state[v] == 1; v = words[v].head - 1) state[v] = 2;
  }
  return "";
}

std::vector<ConlluSentence> read_conllu_file(const std::string& path, ConlluReaderOptions options) {
  ConlluReader reader(path, options);
  std::vector<ConlluSentence> sentences;
  ConlluSentence sentence;
  while (reader.next(sentence)) sentences.push_back(sentence);
  return sentences;
}

}  // namespace sasmlm
