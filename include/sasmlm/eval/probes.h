// The probes run on a model at each evaluation (during training at eval.every, and by `sasmlm eval`): implicit-parse
// UAS (eval.uas), BLiMP (eval.blimp) and per-layer TwoNN intrinsic dimension (eval.twonn_tokens, on the UAS
// sentences), merged into one JSON object.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "sasmlm/config/config.h"
#include "sasmlm/data/tokenizer.h"
#include "sasmlm/eval/blimp_reader.h"
#include "sasmlm/eval/uas.h"
#include "sasmlm/model/bert.h"

namespace sasmlm {

// Reads and tokenizes the probes' inputs once (the first eval.uas_max_sentences sentences of eval.uas, the first
// eval.blimp_max_pairs pairs of each BLiMP paradigm), then runs them on any number of models. Bad input files throw
// UserError here, before any model is evaluated. `tokenizer` must outlive the Probes.
class Probes {
 public:
  Probes(const EvalConfig& config, const Tokenizer& tokenizer);

  // False when no probe is configured (run() would return only eval_seconds).
  bool any() const { return uas_.has_value() || !blimp_.empty(); }

  // UAS fields (uas_to_json) when eval.uas is set; "blimp" (blimp_to_json) when eval.blimp is set; "twonn" (one
  // intrinsic dimension per hidden layer, embeddings first) when eval.twonn_tokens > 0 and eval.uas is set;
  // "eval_seconds" always. Eval mode, no grad; the model's mode is restored afterwards.
  nlohmann::json run(BertForMaskedLM& model, const torch::Device& device) const;

 private:
  EvalConfig config_;
  const Tokenizer& tokenizer_;
  std::optional<UasCorpus> uas_;
  std::vector<BlimpParadigm> blimp_;
};

}  // namespace sasmlm
