// The regularizer's active cost: it must not keep any layer's (B, H, T, T) probabilities alive, and its per-layer
// work must stay small next to the attention it observes.
#include "sasmlm/sas/regularizer.h"

#include "sas_test_util.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <vector>

namespace sasmlm {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// probs = 2 * scores keeps nothing alive by itself (multiplying by a scalar saves only the scalar), so whether a
// layer's storage survives observe() is up to the regularizer.
TEST(ActiveCost, ObserveKeepsNoLayerProbabilitiesAlive) {
  const auto batch = test::make_sas_batch({16, 11, 16}, 16, 5);
  auto reg = make_regularizer(SasConfig{}, 3);
  std::vector<torch::Tensor> scores;
  reg->begin(batch.heads, batch.attention_mask, 0);
  for (int64_t l = 0; l < 3; ++l) {
    scores.push_back(torch::rand({3, 4, 16, 16}).requires_grad_(true));
    torch::Tensor probs = scores.back() * 2.0;  // (B, H, T, T)
    const auto weak = probs.storage().getWeakStorageImpl();
    reg->observe(l, probs);
    probs.reset();
    EXPECT_TRUE(weak.expired()) << "layer " << l << "'s (B, H, T, T) tensor is still referenced after observe()";
  }
  const torch::Tensor r = reg->finish();
  r.backward();
  // Each arc direction's gradient (2 per unit of R, through the scalar multiply) lands on exactly one entry.
  double total = 0.0;
  for (const auto& s : scores) total += s.grad().sum().item<double>();
  EXPECT_NEAR(total, 2.0 * 2.0 * double(reg->num_arcs()), 1e-4);
}

// Control for the check above: an observer that computed on the whole tensor would keep it alive and be caught.
TEST(ActiveCost, WeakReferenceCheckCatchesARetainedTensor) {
  const torch::Tensor scores = torch::rand({2, 2, 8, 8}).requires_grad_(true);
  torch::Tensor probs = scores * 2.0;
  const auto weak = probs.storage().getWeakStorageImpl();
  const torch::Tensor kept = probs.pow(2).sum();  // pow saves its input for backward
  probs.reset();
  EXPECT_FALSE(weak.expired());
}

// Timing at B=32, H=4, T=128, L=4 (head size 64). A benchmark, not part of the fast suite:
//   build/<dir>/tests/test_sas --gtest_also_run_disabled_tests --gtest_filter='*ObserveCostBenchmark*'
TEST(ActiveCost, DISABLED_ObserveCostBenchmark) {
  const int64_t batch_size = 32, heads = 4, length = 128, layers = 4, head_dim = 64, repeats = 8;
  std::vector<int64_t> lengths;
  for (int64_t b = 0; b < batch_size; ++b) lengths.push_back(64 + (b * 37) % 65);
  const auto batch = test::make_sas_batch(lengths, length, 1);
  torch::manual_seed(0);
  std::vector<torch::Tensor> q, k, v;
  for (int64_t l = 0; l < layers; ++l) {
    q.push_back(torch::randn({batch_size, heads, length, head_dim}).requires_grad_(true));
    k.push_back(torch::randn({batch_size, heads, length, head_dim}).requires_grad_(true));
    v.push_back(torch::randn({batch_size, heads, length, head_dim}).requires_grad_(true));
  }
  auto reg = make_regularizer(SasConfig{}, layers);

  // One forward + backward of L attention layers' probability path, with or without the regularizer.
  auto step = [&](bool regularize, double* observe_seconds) {
    torch::Tensor loss = torch::zeros({});
    if (regularize) {
      const auto start = Clock::now();
      reg->begin(batch.heads, batch.attention_mask, 0);
      *observe_seconds += seconds_since(start);
    }
    for (int64_t l = 0; l < layers; ++l) {
      const torch::Tensor scores = torch::matmul(q[l], k[l].transpose(-1, -2)) / 8.0;  // (B, H, T, T)
      const torch::Tensor probs =
          torch::dropout(torch::softmax(test::masked_scores(scores, batch.attention_mask), -1), 0.1, true);
      if (regularize) {
        const auto start = Clock::now();
        reg->observe(l, probs);
        *observe_seconds += seconds_since(start);
      }
      loss = loss + torch::matmul(probs, v[l]).square().mean();  // (B, H, T, D) context
    }
    if (regularize) {
      const auto start = Clock::now();
      loss = loss + 1e-3 * reg->finish();
      *observe_seconds += seconds_since(start);
    }
    loss.backward();
  };
  double observe_seconds = 0.0, ignored = 0.0;
  step(false, &ignored);  // warm-up
  step(true, &ignored);
  // Interleaved, so load from other processes hits both alike.
  double plain = 0.0, with_sas = 0.0;
  for (int r = 0; r < repeats; ++r) {
    auto start = Clock::now();
    step(false, &ignored);
    plain += seconds_since(start) / repeats;
    start = Clock::now();
    step(true, &observe_seconds);
    with_sas += seconds_since(start) / repeats;
  }
  observe_seconds /= repeats;

  reg->begin(batch.heads, batch.attention_mask, 0);
  const int64_t arcs = reg->num_arcs();
  for (int64_t l = 0; l < layers; ++l) reg->observe(l, q[l].new_zeros({batch_size, heads, length, length}));
  reg->finish();
  const double layer_mb = double(batch_size * heads * length * length * 4) / 1e6;
  const double kept_mb = double(layers * 2 * arcs * (heads + 2) * 4 + 3 * 2 * arcs * 8) / 1e6;
  std::printf("B=%lld H=%lld T=%lld L=%lld arcs=%lld threads=%d\n", (long long)batch_size, (long long)heads,
              (long long)length, (long long)layers, (long long)arcs, torch::get_num_threads());
  std::printf("attention fwd+bwd %.1f ms; with SAS %.1f ms (+%.1f%%); begin+observe+finish (forward) %.2f ms\n",
              plain * 1e3, with_sas * 1e3, 100.0 * (with_sas - plain) / plain, observe_seconds * 1e3);
  std::printf("one layer's probabilities %.2f MB; regularizer's own saved tensors, all layers ~%.3f MB\n", layer_mb,
              kept_mb);
  EXPECT_LT(observe_seconds, plain);
}

}  // namespace
}  // namespace sasmlm
