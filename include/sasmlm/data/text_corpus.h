// Plain-text corpora beside CoNLL-U in data.train / data.dev: files ending in ".txt", one sentence per line, a blank
// (or whitespace-only) line between documents. Their sentences carry no dependency arcs: they contribute the MLM
// loss only (the authors' BookCorpus rows, whose heads were all -1). Each line is split into words as free text is
// (split_words, text_words.h), so it tokenizes like treebank words. A ".txt.gz" file is read through gzip.
#pragma once

#include <cstdint>
#include <string>

#include "sasmlm/data/conllu.h"
#include "sasmlm/data/input_file.h"

namespace sasmlm {

// Whether a data.train / data.dev file is read as plain text (its name ends in ".txt" or ".txt.gz").
bool is_text_corpus(const std::string& path);

class TextCorpusReader {
 public:
  // UserError naming the path when it cannot be opened.
  explicit TextCorpusReader(const std::string& path);
  // The next non-blank line as a sentence: words with head 0 (no arcs), new_document after a blank line and for
  // the file's first sentence, line = its line number. False at the end of the file.
  bool next(ConlluSentence& sentence);

 private:
  std::string path_;
  InputFile in_;  // plain or gzip (.txt.gz)
  std::string line_;
  int64_t line_number_ = 0;
  bool new_document_ = true;
};

}  // namespace sasmlm
