// Streaming CoNLL-U reader and sentence validator.
//
// Reads one sentence at a time (constant memory on multi-GB files). Words are CoNLL-U's syntactic words (integer
// ids); multiword-token ranges ("3-4") and empty nodes ("5.1") are parsed and checked but are not words.
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

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

  explicit ConlluReader(const std::string& path, ConlluReaderOptions options = {});
  ~ConlluReader();

  // Fills `sentence` with the next valid sentence; false at end of file.
  bool next(ConlluSentence& sentence);

  const std::string& path() const { return path_; }
  int64_t sentences_read() const { return sentences_read_; }
  int64_t sentences_skipped() const { return sentences_skipped_; }
  const std::vector<std::string>& skip_reasons() const { return skip_reasons_; }

 private:
  std::string path_;
  ConlluReaderOptions options_;
  std::ifstream in_;
  int64_t line_number_ = 0;
  int64_t sentences_read_ = 0;
  int64_t sentences_skipped_ = 0;
  std::vector<std::string> skip_reasons_;
  bool pending_newdoc_ = true;
};

// Validates one parsed sentence: ids consecutive from 1, heads in range, exactly one root, no cycles.
// Returns "" when valid, else the reason.
std::string validate_sentence(const ConlluSentence& sentence);

// Writes sentences back as CoNLL-U (used by `sasmlm synth` and tests); columns not kept are written as "_".
std::string to_conllu(const ConlluSentence& sentence);

}  // namespace sasmlm
