// Scoring of implicit parses (docs/INTERFACE.md "Implicit-parse UAS" and "Offset baseline"): counts per (layer, head,
// direction) and per relation, then the best-head choices made on the evaluated data itself.
//
// Pure bookkeeping over predicted heads: the model is not involved, so tests can feed hand-built attention (through
// word_attention.h) or predictions directly. Counts are integers, so the result does not depend on the order in
// which sentences are added.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "sasmlm/data/conllu.h"
#include "sasmlm/eval/word_attention.h"

namespace sasmlm {

// The fixed offsets of the baseline: word i's head predicted as clip(i + k, 0, n).
const std::vector<int64_t>& uas_offsets();  // {-3, -2, -1, 0, 1, 2}

struct UasHead {
  int64_t layer = 0;  // 0-based
  int64_t head = 0;   // 0-based
  ArcDirection direction = ArcDirection::kToHead;
};

struct RelationUas {
  UasHead best;             // the relation's best (layer, head, direction)
  double uas = 0;           // that head's accuracy on the relation's words
  int64_t count = 0;        // words with this relation
  int64_t offset = 0;       // the relation's best offset k
  double offset_uas = 0;    // that offset's accuracy on the relation's words
};

struct UasResult {
  double uas = 0;                     // best single head over all words
  UasHead best_head;
  double offset_baseline = 0;         // best single offset over all words
  int64_t best_offset = 0;
  double uas_pooled = 0;              // words other than root/punct, each by its relation's best head
  double offset_baseline_pooled = 0;  // same with each relation's best offset
  std::map<std::string, RelationUas> per_relation;  // every label but root and punct
  int64_t words_scored = 0;           // all words of the sentences scored
  int64_t sentences_scored = 0;
  int64_t sentences_skipped = 0;      // too long for the model's positions
};

class UasScorer {
 public:
  UasScorer(int64_t layers, int64_t heads);

  // predicted: (L, H, 2, n) int64 on the CPU, predicted head ids (as predict_heads gives them for one sentence, one
  // slice per layer) for the n words of `sentence`.
  void add(const ConlluSentence& sentence, const torch::Tensor& predicted);
  void add_skipped() { ++sentences_skipped_; }

  UasResult result() const;

 private:
  // Counts of one group of words (all words, or one relation's words).
  struct Counts {
    int64_t words = 0;
    std::vector<int64_t> correct;         // per (layer, head, direction), index (layer * H + head) * 2 + direction
    std::vector<int64_t> offset_correct;  // per offset of uas_offsets()
  };
  Counts& relation(const std::string& deprel);
  Counts make_counts() const;
  UasHead unpack(int64_t index) const;

  int64_t layers_, heads_;
  Counts all_;
  std::map<std::string, Counts> relations_;
  int64_t sentences_ = 0;
  int64_t sentences_skipped_ = 0;
};

// One sentence's word maps scored directly: maps (L, H, n, n) with a zero diagonal (tests and small callers).
void score_word_maps(UasScorer& scorer, const ConlluSentence& sentence, const torch::Tensor& maps);

// docs/INTERFACE.md's eval fields: uas, offset_baseline, uas_best_head{layer, head, direction, uas}, uas_pooled,
// offset_baseline_pooled, uas_per_relation{REL: {uas, layer, head, direction, count, offset, offset_uas}},
// words_scored, sentences_skipped.
nlohmann::json uas_to_json(const UasResult& result);

}  // namespace sasmlm
