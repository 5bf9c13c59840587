// Implicit-parse UAS of a model on a CoNLL-U treebank (docs/INTERFACE.md "Implicit-parse UAS"): every sentence alone as
// `[CLS] pieces [SEP]`, attention probabilities reduced at once to each head's predicted parse, then scored by
// UasScorer.
//
// Batches hold sentences of one piece length only (sentences sorted by length, then cut into runs of at most
// batch_size): no padding, so a sentence's attention never depends on which other sentences share its batch, and the
// result does not depend on batch_size.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sasmlm/data/conllu.h"
#include "sasmlm/data/tokenizer.h"
#include "sasmlm/eval/uas_scorer.h"
#include "sasmlm/model/bert.h"

namespace sasmlm {

// A treebank tokenized for the probe, built once and reused for every checkpoint of a run.
struct UasCorpus {
  std::string path;
  std::vector<ConlluSentence> sentences;
  std::vector<std::vector<int32_t>> ids;         // per sentence: [CLS] pieces [SEP]
  std::vector<std::vector<int64_t>> piece_word;  // per sentence: piece_word_map of its words
};

// Reads the first max_sentences sentences of a CoNLL-U file (0 = all; invalid sentences are errors naming
// file:line) and tokenizes each word with tokenizer.encode_word.
UasCorpus read_uas_corpus(const std::string& path, const Tokenizer& tokenizer, int64_t max_sentences);

// Scores every sentence that fits the model's positions (the others are counted in sentences_skipped). Eval mode, no
// grad; the model's train/eval mode is restored afterwards. Deterministic for a given device.
UasResult evaluate_uas(BertForMaskedLM& model, const UasCorpus& corpus, int64_t batch_size,
                       const torch::Device& device);

}  // namespace sasmlm
