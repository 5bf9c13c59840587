// Manual benchmark, disabled by default (no timing assertions): forward + backward time of the fast attention path
// against the probability path with an observer that wants every layer, at the mini and small presets.
// Run: test_model --gtest_also_run_disabled_tests --gtest_filter='*Bench*'
#include "sasmlm/model/bert.h"
#include "sasmlm/model/mlm_loss.h"

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <string>

namespace sasmlm {
namespace {

// Reduces each layer's probabilities the way the SAS regularizer does: gather each token's probability on one
// key (its "head"), so backward flows through the full (B, H, T, T) tensor.
class GatheringObserver : public AttentionObserver {
 public:
  explicit GatheringObserver(torch::Tensor heads) : heads_(std::move(heads)) {}
  bool wants_layer(int64_t) const override { return true; }
  bool post_dropout() const override { return true; }
  void observe(int64_t, const torch::Tensor& probs) override {
    const auto index = heads_.unsqueeze(1).unsqueeze(-1).expand({probs.size(0), probs.size(1), probs.size(2), 1});
    const auto picked = probs.gather(-1, index).sum();  // sum over (B, H, T) of p(token -> head)
    total = total.defined() ? total + picked : picked;
  }
  torch::Tensor total;

 private:
  torch::Tensor heads_;  // (B, T) int64
};

double seconds_per_step(BertForMaskedLM& model, const torch::Tensor& ids, const torch::Tensor& mask,
                        const torch::Tensor& positions, const torch::Tensor& labels, const torch::Tensor& heads,
                        bool probability_path, int iterations) {
  double total = 0.0;
  for (int i = 0; i < iterations + 1; ++i) {  // the first iteration warms up allocators and thread pools
    const auto start = std::chrono::steady_clock::now();
    model->zero_grad();
    GatheringObserver observer(heads);
    const auto hidden = model->encode(ids, mask, probability_path ? &observer : nullptr);
    auto loss = mlm_loss_sum(model->mlm_logits(hidden, positions), labels);
    if (probability_path) loss = loss + 1e-3 * observer.total;
    loss.backward();
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (i > 0) total += elapsed;
  }
  return total / iterations;
}

TEST(DISABLED_Bench, FastVsProbabilityPathCpu) {
  constexpr int64_t kBatch = 32;
  constexpr int64_t kLength = 128;
  constexpr int kIterations = 3;
  std::cout << "threads " << torch::get_num_threads() << ", batch " << kBatch << " x " << kLength << "\n";
  for (const char* preset : {"mini", "small"}) {
    ModelConfig config;
    config.preset = preset;
    torch::manual_seed(5);
    BertForMaskedLM model(bert_options_from(config, 8000));
    config.attention_dropout = 0.0;  // CPU's fused (flash) SDPA kernel only runs without dropout
    BertForMaskedLM no_dropout(bert_options_from(config, 8000));
    no_dropout->train();
    model->train();
    const auto ids = torch::randint(5, 8000, {kBatch, kLength}, torch::kInt64);
    const auto mask = torch::ones({kBatch, kLength}, torch::kBool);
    const auto positions = torch::randperm(kBatch * kLength, torch::kInt64).narrow(0, 0, kBatch * kLength * 15 / 100);
    const auto labels = torch::randint(5, 8000, {positions.size(0)}, torch::kInt64);
    const auto heads = torch::randint(0, kLength, {kBatch, kLength}, torch::kInt64);
    const double fast = seconds_per_step(model, ids, mask, positions, labels, heads, false, kIterations);
    const double probs = seconds_per_step(model, ids, mask, positions, labels, heads, true, kIterations);
    const double fast_nd = seconds_per_step(no_dropout, ids, mask, positions, labels, heads, false, kIterations);
    const double probs_nd = seconds_per_step(no_dropout, ids, mask, positions, labels, heads, true, kIterations);
    std::cout << preset << " (attention dropout 0.1): fast " << fast * 1e3 << " ms/step, probability path (all layers) "
              << probs * 1e3 << " ms/step, ratio " << probs / fast << "\n";
    std::cout << preset << " (attention dropout 0): fast " << fast_nd * 1e3
              << " ms/step, probability path (all layers) " << probs_nd * 1e3 << " ms/step, ratio "
              << probs_nd / fast_nd << "\n";
  }
}

TEST(DISABLED_Bench, LargePresetParameterCount) {
  ModelConfig config;
  config.preset = "large";
  BertForMaskedLM model(bert_options_from(config, 30522));
  std::cout << "large (vocab 30522): " << count_parameters(*model) << " parameters\n";
}

}  // namespace
}  // namespace sasmlm
