// TwoNN intrinsic dimension (Facco, d'Errico, Rodriguez & Laio, Sci. Rep. 2017) of token representations.
//
// For each point, mu = r2 / r1, the ratio of the distances to its second and first nearest neighbours. If the
// density is locally uniform on a d-dimensional manifold, mu follows a Pareto law with F(mu) = 1 - mu^-d, so
// -log(1 - F(mu)) = d log(mu). Estimator (Facco's recipe, the linear fit): sort mu, take the empirical
// F(mu_(i)) = i / N, discard the 10% largest mu (the tail is dominated by noise and density changes), and fit a
// line through the origin to (log mu_(i), -log(1 - i/N)) by least squares; d is its slope.
// Exact duplicate points (r1 = 0, mu undefined) are merged before the neighbour search.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "sasmlm/model/bert.h"

namespace sasmlm {

constexpr int64_t kTwonnMinPoints = 3;  // fewer distinct points give no estimate (NaN)

// points (N, D), any floating dtype and device -> intrinsic dimension; NaN with fewer than kTwonnMinPoints
// distinct points. Distances are computed in float64.
double twonn_dimension(const torch::Tensor& points);

// One intrinsic dimension per hidden layer: the embeddings' output first, then each transformer layer's output
// (model layers + 1 values). Every sequence is `[CLS] pieces [SEP]`; its real tokens are the positions between
// the first and the last (those two and padding are never sampled); sequences longer than the model's positions
// are ignored. max_tokens token positions are drawn uniformly without replacement (all when there are fewer) with
// Rng(seed), the same positions at every layer. Eval mode, no grad; train/eval mode restored afterwards.
std::vector<double> twonn_per_layer(BertForMaskedLM& model, const std::vector<std::vector<int32_t>>& sequences,
                                    int64_t max_tokens, uint64_t seed, const torch::Device& device);

}  // namespace sasmlm
