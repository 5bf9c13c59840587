#include "sasmlm/eval/twonn.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "sasmlm/core/error.h"
#include "sasmlm/core/rng.h"
#include "sasmlm/eval/eval_mode_guard.h"

namespace sasmlm {
namespace {

constexpr int64_t kDistanceChunk = 1024;     // rows of the distance matrix held at once
constexpr int64_t kSequencesPerBatch = 64;   // sequences per forward pass when collecting representations
constexpr double kDiscardFraction = 0.1;     // Facco et al.: the largest 10% of mu are left out of the fit
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// mu = r2 / r1 for every row of x (N, D) float64 whose nearest neighbour is not at distance 0.
std::vector<double> neighbour_ratios(const torch::Tensor& x) {
  const int64_t n = x.size(0);
  const torch::Tensor squared_norms = (x * x).sum(1);  // (N,)
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> mu;
  mu.reserve(size_t(n));
  for (int64_t begin = 0; begin < n; begin += kDistanceChunk) {
    const int64_t rows = std::min(kDistanceChunk, n - begin);
    const torch::Tensor block = x.narrow(0, begin, rows);  // (C, D)
    torch::Tensor d2 = squared_norms.narrow(0, begin, rows).unsqueeze(1) + squared_norms.unsqueeze(0) -
                       2.0 * torch::mm(block, x.t());  // (C, N) squared distances
    d2.clamp_min_(0.0);
    // A point is not its own neighbour.
    const torch::Tensor self = torch::arange(rows, torch::TensorOptions().dtype(torch::kInt64).device(x.device()));
    d2.index_put_({self, self + begin}, inf);
    const torch::Tensor nearest =
        std::get<0>(d2.topk(2, 1, /*largest=*/false, /*sorted=*/true)).sqrt().to(torch::kCPU);  // (C, 2)
    const auto r = nearest.accessor<double, 2>();
    for (int64_t i = 0; i < rows; ++i) {
      if (r[i][0] > 0.0) mu.push_back(r[i][1] / r[i][0]);
    }
  }
  return mu;
}

}  // namespace

double twonn_dimension(const torch::Tensor& points) {
  SASMLM_CHECK(points.dim() == 2, "points must be (N, D)");
  torch::NoGradGuard no_grad;
  torch::Tensor x = points.detach().to(torch::kDouble);  // (N, D)
  // Identical points have r1 = 0 and no defined mu: keep one copy of each.
  if (x.size(0) >= 2) x = std::get<0>(torch::unique_dim(x, 0));
  if (x.size(0) < kTwonnMinPoints) return kNaN;
  x = x - x.mean(0, /*keepdim=*/true);  // centred: smaller norms, less cancellation in |a|^2 + |b|^2 - 2ab

  std::vector<double> mu = neighbour_ratios(x);
  if (int64_t(mu.size()) < kTwonnMinPoints) return kNaN;
  std::sort(mu.begin(), mu.end());
  const double n = double(mu.size());
  const auto keep = static_cast<size_t>(std::floor((1.0 - kDiscardFraction) * n));
  double sxx = 0, sxy = 0;
  for (size_t i = 0; i < keep; ++i) {
    const double log_mu = std::log(mu[i]);
    const double y = -std::log(1.0 - double(i + 1) / n);  // -log(1 - F_emp(mu_(i)))
    sxx += log_mu * log_mu;
    sxy += log_mu * y;
  }
  // All kept mu = 1 (every point equidistant from its two neighbours): the slope is undefined.
  return sxx > 0 ? sxy / sxx : kNaN;
}

std::vector<double> twonn_per_layer(BertForMaskedLM& model, const std::vector<std::vector<int32_t>>& sequences,
                                    int64_t max_tokens, uint64_t seed, const torch::Device& device) {
  SASMLM_CHECK(max_tokens > 0, "max_tokens must be positive");
  const int64_t layers = model->options().layers;
  const int64_t max_length = model->options().max_position;

  // Candidate (sequence, position) pairs: real tokens only, then a uniform sample without replacement.
  std::vector<std::pair<size_t, int64_t>> tokens;
  for (size_t s = 0; s < sequences.size(); ++s) {
    const auto n = static_cast<int64_t>(sequences[s].size());
    if (n > max_length) continue;
    for (int64_t t = 1; t + 1 < n; ++t) tokens.emplace_back(s, t);
  }
  const auto count = static_cast<size_t>(std::min<int64_t>(max_tokens, int64_t(tokens.size())));
  Rng rng(seed);
  for (size_t i = 0; i < count; ++i) {  // partial Fisher-Yates
    std::swap(tokens[i], tokens[i + size_t(rng.below(uint64_t(tokens.size() - i)))]);
  }
  tokens.resize(count);
  std::sort(tokens.begin(), tokens.end());
  if (tokens.empty()) return std::vector<double>(size_t(layers + 1), kNaN);

  // The sequences holding sampled tokens, each with its sampled positions.
  std::vector<std::pair<size_t, std::vector<int64_t>>> groups;
  for (const auto& [s, t] : tokens) {
    if (groups.empty() || groups.back().first != s) groups.push_back({s, {}});
    groups.back().second.push_back(t);
  }

  EvalModeGuard eval_mode(model);
  torch::NoGradGuard no_grad;
  std::vector<std::vector<torch::Tensor>> picked(size_t(layers + 1));  // per layer: (k_b, H) per batch
  for (size_t begin = 0; begin < groups.size(); begin += kSequencesPerBatch) {
    const size_t end = std::min(groups.size(), begin + size_t(kSequencesPerBatch));
    int64_t length = 0;
    for (size_t g = begin; g < end; ++g) length = std::max(length, int64_t(sequences[groups[g].first].size()));
    const auto batch = static_cast<int64_t>(end - begin);
    // Padding gets id 0: any valid id works, the attention mask hides it and its outputs are never read.
    torch::Tensor ids = torch::zeros({batch, length}, torch::kInt64);  // (B, T)
    torch::Tensor mask = torch::zeros({batch, length}, torch::kBool);  // (B, T)
    std::vector<int64_t> flat;                                          // sampled b*T+t
    bool padded = false;
    for (size_t g = begin; g < end; ++g) {
      const auto b = static_cast<int64_t>(g - begin);
      const std::vector<int32_t>& seq = sequences[groups[g].first];
      const auto n = static_cast<int64_t>(seq.size());
      padded = padded || n < length;
      ids[b].narrow(0, 0, n).copy_(torch::tensor(std::vector<int64_t>(seq.begin(), seq.end()), torch::kInt64));
      mask[b].narrow(0, 0, n).fill_(true);
      for (int64_t t : groups[g].second) flat.push_back(b * length + t);
    }
    const torch::Tensor rows = torch::tensor(flat, torch::kInt64).to(device);  // (k_b,)
    const torch::Tensor attention_mask = padded ? mask.to(device) : torch::Tensor();
    torch::Tensor hidden = model->bert->embeddings(ids.to(device));  // (B, T, H)
    auto take = [&](int64_t layer) {
      picked[size_t(layer)].push_back(hidden.reshape({-1, hidden.size(2)}).index_select(0, rows));  // (k_b, H)
    };
    take(0);
    for (int64_t l = 0; l < layers; ++l) {
      hidden = model->bert->encoder->layer[size_t(l)]->as<BertLayerImpl>()->forward(hidden, attention_mask, nullptr, l);
      take(l + 1);
    }
  }
  std::vector<double> dimensions;
  for (const auto& parts : picked) dimensions.push_back(twonn_dimension(torch::cat(parts, 0)));
  return dimensions;
}

}  // namespace sasmlm
