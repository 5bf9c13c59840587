// BLiMP accuracy by pseudo-log-likelihood (Salazar et al. 2020), as docs/INTERFACE.md defines it.
//
// A sentence is encoded as `[CLS] encode_text(text) [SEP]`; PLL = sum over its pieces of log p(piece | the
// sentence with that one piece replaced by [MASK]). A pair is correct when PLL(good) > PLL(bad) (a tie is wrong).
// Paradigm accuracy = correct / pairs; overall, per field and per phenomenon = unweighted means of paradigm
// accuracies. A sentence longer than the model's positions cannot be scored: its pair counts as wrong and as
// skipped.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sasmlm/data/tokenizer.h"
#include "sasmlm/eval/blimp_reader.h"
#include "sasmlm/model/bert.h"

namespace sasmlm {

struct BlimpResult {
  double overall = 0;                          // mean of paradigm accuracies
  std::map<std::string, double> per_paradigm;  // UID -> accuracy
  std::map<std::string, double> per_field;     // mean of the field's paradigm accuracies
  std::map<std::string, double> per_phenomenon;  // mean over linguistics_term's paradigms
  int64_t pairs = 0;                           // pairs evaluated
  int64_t skipped = 0;                         // pairs with a sentence too long for the model (counted wrong)
  double seconds = 0;                          // wall time of evaluate_blimp
};

// PLL of each text (NaN for a text whose [CLS] pieces [SEP] exceeds the model's positions). The masked copies of
// many sentences go through the model together, `batch_size` copies per forward pass (a sentence with more pieces
// than that makes a batch of its own); sentences are sorted by length so little padding is needed. Eval mode, no
// grad; the model's train/eval mode is restored afterwards.
std::vector<double> pseudo_log_likelihoods(BertForMaskedLM& model, const Tokenizer& tokenizer,
                                           const std::vector<std::string>& texts, int64_t batch_size,
                                           const torch::Device& device);

// Scores every pair of `paradigms` (each distinct sentence once).
BlimpResult evaluate_blimp(BertForMaskedLM& model, const Tokenizer& tokenizer,
                           const std::vector<BlimpParadigm>& paradigms, int64_t batch_size,
                           const torch::Device& device);

// {"overall", "per_paradigm", "per_field", "per_phenomenon", "pairs", "skipped"}
nlohmann::json blimp_to_json(const BlimpResult& result);

}  // namespace sasmlm
