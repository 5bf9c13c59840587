// Hand-built batches and a brute-force SAS reference shared by the sas tests.
#pragma once

#include "sasmlm/config/config.h"

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace sasmlm::test {

// A batch with padding: heads (B, T) int64 forming one dependency tree per row over positions 1..n-2 (the row's
// real length n includes [CLS] and [SEP]); some pieces carry no arc (-1), as with arc_pieces = first.
struct SasBatch {
  torch::Tensor heads;           // (B, T) int64
  torch::Tensor attention_mask;  // (B, T) bool
};
SasBatch make_sas_batch(const std::vector<int64_t>& lengths, int64_t max_length, uint64_t seed);

// Attention scores (B, H, T, T) with padded keys at -inf, so softmax gives padded keys 0 like the model.
torch::Tensor masked_scores(const torch::Tensor& raw_scores, const torch::Tensor& attention_mask);

// One softmax attention tensor per layer, (B, H, T, T) each, random scores.
std::vector<torch::Tensor> random_attention(const torch::Tensor& attention_mask, int64_t layers, int64_t heads,
                                            torch::ScalarType dtype, uint64_t seed);

// R by plain nested loops over arcs, directions, layers and heads (doubles throughout).
// arcs: (A, 3) [b, dependent, head]; variant "max" or "uniform" (random_arcs = "max" over its drawn arcs); the
// uniform root per row under normalization per_sequence, else over the batch. Not normalised (as finish()).
double brute_force_r(const std::vector<torch::Tensor>& probs, const torch::Tensor& arcs,
                     const torch::Tensor& attention_mask, const SasConfig& config);

// Arcs read from heads by nested loops: (A, 3) [b, dependent, head].
torch::Tensor brute_force_arcs(const torch::Tensor& heads);

}  // namespace sasmlm::test
