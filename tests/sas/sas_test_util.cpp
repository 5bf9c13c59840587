#include "sas_test_util.h"

#include "sasmlm/core/rng.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sasmlm::test {

SasBatch make_sas_batch(const std::vector<int64_t>& lengths, int64_t max_length, uint64_t seed) {
  const int64_t batch = int64_t(lengths.size());
  SasBatch out;
  out.heads = torch::full({batch, max_length}, -1, torch::kInt64);
  out.attention_mask = torch::zeros({batch, max_length}, torch::kBool);
  auto h = out.heads.accessor<int64_t, 2>();
  auto m = out.attention_mask.accessor<bool, 2>();
  Rng rng(seed);
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t n = lengths[size_t(b)];
    for (int64_t t = 0; t < n; ++t) m[b][t] = true;
    // Pieces 1..n-2; each later piece in a random order attaches to an earlier one: a tree rooted at order[0].
    std::vector<int64_t> order;
    for (int64_t t = 1; t + 1 < n; ++t) order.push_back(t);
    for (size_t k = order.size(); k > 1; --k) std::swap(order[k - 1], order[rng.below(k)]);
    std::vector<int64_t> attached;
    for (size_t k = 0; k < order.size(); ++k) {
      // One piece in five carries no arc (a non-first piece), except that the root always starts the tree.
      if (k > 0 && rng.below(5) == 0) continue;
      if (!attached.empty()) h[b][order[k]] = attached[rng.below(attached.size())];
      attached.push_back(order[k]);
    }
  }
  return out;
}

torch::Tensor masked_scores(const torch::Tensor& raw_scores, const torch::Tensor& attention_mask) {
  const torch::Tensor key_mask = attention_mask.view({attention_mask.size(0), 1, 1, attention_mask.size(1)});
  return raw_scores.masked_fill(key_mask.logical_not(), -std::numeric_limits<double>::infinity());
}

std::vector<torch::Tensor> random_attention(const torch::Tensor& attention_mask, int64_t layers, int64_t heads,
                                            torch::ScalarType dtype, uint64_t seed) {
  torch::manual_seed(seed);
  const int64_t batch = attention_mask.size(0), length = attention_mask.size(1);
  std::vector<torch::Tensor> probs;
  for (int64_t l = 0; l < layers; ++l) {
    const torch::Tensor scores = 2.0 * torch::randn({batch, heads, length, length}, torch::kFloat64);
    probs.push_back(torch::softmax(masked_scores(scores, attention_mask), -1).to(dtype));  // (B, H, T, T)
  }
  return probs;
}

torch::Tensor brute_force_arcs(const torch::Tensor& heads) {
  const auto h = heads.accessor<int64_t, 2>();
  std::vector<int64_t> flat;
  for (int64_t b = 0; b < heads.size(0); ++b) {
    for (int64_t i = 0; i < heads.size(1); ++i) {
      if (h[b][i] >= 0) flat.insert(flat.end(), {b, i, h[b][i]});
    }
  }
  return torch::tensor(flat, torch::kInt64).view({int64_t(flat.size() / 3), 3});
}

double brute_force_r(const std::vector<torch::Tensor>& probs, const torch::Tensor& arcs,
                     const torch::Tensor& attention_mask, const SasConfig& config) {
  std::vector<int64_t> layers = config.layers;
  if (layers.empty()) {
    for (int64_t l = 0; l < int64_t(probs.size()); ++l) layers.push_back(l);
  }
  std::vector<torch::Tensor> p64;
  for (const torch::Tensor& p : probs) p64.push_back(p.to(torch::kFloat64).contiguous());
  const auto a = arcs.accessor<int64_t, 2>();
  const int64_t num_arcs = arcs.size(0), num_heads = probs[0].size(1);
  const bool uniform = config.variant == "uniform";

  // The uniform root is taken per (direction, group): the group is the row under per_sequence, else the batch.
  const bool per_sequence = config.normalization == "per_sequence";
  const int64_t groups = per_sequence ? attention_mask.size(0) : 1;
  double total = 0.0;
  for (int direction = 0; direction < 2; ++direction) {
    if (direction == 0 && config.directions == "to_dependent") continue;
    if (direction == 1 && config.directions == "to_head") continue;
    std::vector<double> group_sum(size_t(groups), 0.0);
    for (int64_t k = 0; k < num_arcs; ++k) {
      const int64_t b = a[k][0];
      const int64_t query = direction == 0 ? a[k][1] : a[k][2];
      const int64_t key = direction == 0 ? a[k][2] : a[k][1];
      double gamma = uniform ? 0.0 : -1.0;
      for (int64_t l : layers) {
        const auto p = p64[size_t(l)].accessor<double, 4>();
        for (int64_t head = 0; head < num_heads; ++head) {
          const double alpha = p[b][head][query][key];
          if (uniform) {
            gamma += std::pow(alpha, config.p);
          } else {
            gamma = std::max(gamma, alpha);
          }
        }
      }
      group_sum[size_t(per_sequence ? b : 0)] += gamma;
    }
    for (double sum : group_sum) total += uniform ? std::pow(sum, 1.0 / config.p) : sum;
  }
  return total;
}

}  // namespace sasmlm::test
