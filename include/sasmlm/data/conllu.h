// Streaming CoNLL-U reader and sentence validator.
//
// Reads one sentence at a time (constant memory on multi-GB files). Words are CoNLL-U's syntactic words (integer
// ids); multiword-token ranges ("3-4") and empty nodes ("5.1") are parsed and checked but are not words.
//
// Checked per sentence: exactly 10 tab-separated columns, no empty column, valid UTF-8, integer ids consecutive
// from 1, integer heads in range, exactly one root, no cycles; a range "a-b" needs a <= b, must come right before
// word a and end at an existing word, and ranges must not overlap; an empty node "n.k" must follow word n.
// Windows line endings are accepted. NUL bytes, over-long lines and files without any sentence are errors even
// with skip_invalid (the file is not CoNLL-U at all). A file whose name ends in ".gz" is read through gzip
// (input_file.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sasmlm/data/input_file.h"

namespace sasmlm {

struct ConlluWord {
  int32_t id = 0;         // 1-based position in the sentence
  std::string form;       // surface form (column 2)
  std::string upos;       // universal POS tag (column 4)
  int32_t head = 0;       // 0 = root, else the head word's id
  std::string deprel;     // full relation label, e.g. "nmod:poss"
};

struct ConlluSentence {
  std::vector<ConlluWord> words;
  std::string sent_id;       // from "# sent_id = ..." ("" if absent)
  std::string text;          // from "# text = ..." ("" if absent)
  bool new_document = false; // a "# newdoc" comment precedes it (or it is the first of a file)
  int64_t line = 0;          // 1-based line of its first line in the file
};

struct ConlluReaderOptions {
  bool skip_invalid = false;     // count and skip invalid sentences instead of throwing
};

// Reads sentences in file order. Invalid input throws UserError "<file>:<line>: <reason>" unless skip_invalid,
// in which case the sentence is skipped, counted, and its reason kept (the first kMaxReasons of them).
class ConlluReader {
 public:
  static constexpr int kMaxReasons = 5;
  static constexpr size_t kMaxLineBytes = 1 << 20;     // longer lines mean binary data or a broken file
  static constexpr int64_t kMaxSentenceLines = 100000; // guards memory when blank separator lines are missing

  explicit ConlluReader(const std::string& path, ConlluReaderOptions options = {});
  ~ConlluReader();

  // Fills `sentence` with the next valid sentence; false at end of file. A file that yields no valid sentence at
  // all throws UserError at its end.
  bool next(ConlluSentence& sentence);

  const std::string& path() const { return path_; }
  int64_t sentences_read() const { return sentences_read_; }
  int64_t sentences_skipped() const { return sentences_skipped_; }
  // "<file>:<line>: <reason>" of the first kMaxReasons skipped sentences.
  const std::vector<std::string>& skip_reasons() const { return skip_reasons_; }

 private:
  // Reads one line without its "\n" (and "\r"); false at end of file.
  bool read_line(std::string& line);
  // Fails the current sentence: remembers the first reason and the line it refers to.
  void fail(int64_t line, const std::string& reason);
  void parse_token_line(const std::string& line, ConlluSentence& sentence);
  void parse_comment(const std::string& line, ConlluSentence& sentence);

  std::string path_;
  ConlluReaderOptions options_;
  InputFile in_;  // plain or gzip (.gz)
  int64_t line_number_ = 0;
  int64_t sentences_read_ = 0;
  int64_t sentences_skipped_ = 0;
  std::vector<std::string> skip_reasons_;
  bool pending_newdoc_ = true;

  // Read buffer of the line reader.
  std::vector<char> buffer_;
  size_t buffer_pos_ = 0;
  size_t buffer_end_ = 0;
  bool at_eof_ = false;

  // State of the sentence being parsed.
  struct Range {
    int32_t start = 0;
    int32_t end = 0;
    int64_t line = 0;
  };
  std::string error_;             // first problem found in the sentence ("" = none yet)
  int64_t error_line_ = 0;
  bool seen_token_line_ = false;
  std::vector<int64_t> word_lines_;  // line of each word, for messages about heads
  std::vector<Range> ranges_;
  std::vector<std::string> columns_;
};

// Validates one parsed sentence: ids consecutive from 1, heads in range, exactly one root, no cycles.
// Returns "" when valid, else the reason.
std::string validate_sentence(const ConlluSentence& sentence);

// Like validate_sentence, also giving the 0-based index of the word the reason is about (-1: the whole sentence).
std::string validate_sentence(const ConlluSentence& sentence, int32_t& word_index);

// Writes sentences back as CoNLL-U (used by `sasmlm synth` and tests); columns not kept are written as "_".
std::string to_conllu(const ConlluSentence& sentence);

// Reads every sentence of a file (tests and small files; streams are preferred for corpora).
std::vector<ConlluSentence> read_conllu_file(const std::string& path, ConlluReaderOptions options = {});

}  // namespace sasmlm
