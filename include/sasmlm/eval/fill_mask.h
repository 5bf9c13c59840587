// `sasmlm fill-mask`: the model's top-k predictions, with log-probabilities, for every [MASK] of one sequence.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sasmlm/data/tokenizer.h"
#include "sasmlm/model/bert.h"

namespace sasmlm {

struct MaskPrediction {
  int64_t position = 0;           // index into the sequence, [CLS] included
  std::vector<int32_t> ids;       // best first
  std::vector<double> logprobs;   // natural-log probabilities of ids
};

struct FillMaskResult {
  std::vector<int32_t> input_ids;
  std::vector<MaskPrediction> masks;  // in position order
  torch::Tensor logits;               // (T, V) float32 on the CPU: every position's MLM logits
};

// [CLS] tokenizer.encode_text(text) [SEP].
std::vector<int32_t> fill_mask_ids_from_text(const Tokenizer& tokenizer, const std::string& text);

// "ID ID ..." (whitespace separated integers), used as given. UserError naming --ids for anything else.
std::vector<int32_t> parse_id_list(const std::string& text);

// One forward pass in eval mode without gradients (the model's mode is restored). UserError when `ids` is empty,
// longer than the model's positions, holds an id outside the model's vocabulary or no mask_id(), or top_k < 1.
// top_k is capped at the vocabulary size.
FillMaskResult fill_mask(BertForMaskedLM& model, const Tokenizer& tokenizer, const std::vector<int32_t>& ids,
                         int64_t top_k);

// docs/INTERFACE.md's JSON: {"masks": [{"position": P, "top": [{"id": I, "token": "T", "logprob": L}, ...]}, ...]},
// keys in that order.
nlohmann::ordered_json fill_mask_json(const FillMaskResult& result, const Tokenizer& tokenizer);

// The input pieces, then one table per mask: rank, id, token, log-probability, probability.
std::string fill_mask_table(const FillMaskResult& result, const Tokenizer& tokenizer);

}  // namespace sasmlm
