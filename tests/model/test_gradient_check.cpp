// Analytic gradients against central finite differences, in float64 on a very small model (LibTorch has no
// gradcheck): covers embeddings, both attention paths, the observer's probabilities, FFN, head and loss.
#include "model_test_util.h"
#include "sasmlm/model/bert.h"
#include "sasmlm/model/mlm_loss.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sasmlm {
namespace {

using test::mask_from_lengths;
using test::micro_options;
using test::random_ids;

// Adds a fixed weighted sum of the observed probabilities to the loss, so their gradient path is checked too.
class WeightedObserver : public AttentionObserver {
 public:
  explicit WeightedObserver(torch::Tensor weights) : weights_(std::move(weights)) {}
  bool wants_layer(int64_t layer) const override { return true; }
  bool post_dropout() const override { return true; }
  void observe(int64_t layer, const torch::Tensor& probs) override {
    total = total.defined() ? total + (probs * weights_).sum() : (probs * weights_).sum();
  }
  torch::Tensor total;

 private:
  torch::Tensor weights_;  // (B, H, T, T)
};

class GradientCheck : public ::testing::TestWithParam<bool> {};

TEST_P(GradientCheck, AnalyticMatchesFiniteDifferences) {
  const bool probability_path = GetParam();
  torch::manual_seed(31);
  BertOptions o = micro_options();
  o.init_std = 0.2;  // larger weights make every term matter to the loss
  BertForMaskedLM model(o);
  model->to(torch::kFloat64);
  model->eval();
  const auto mask = mask_from_lengths({5, 3}, 5);
  const auto ids = random_ids(mask, o.vocab_size);
  const auto positions = torch::tensor({1, 3, 6}, torch::kInt64);
  const auto labels = torch::tensor({4, 9, 17}, torch::kInt64);
  const auto observer_weights = torch::randn({2, 2, 5, 5}, torch::kFloat64);

  auto loss_fn = [&]() {
    WeightedObserver observer(observer_weights);
    const auto hidden = model->encode(ids, mask, probability_path ? &observer : nullptr);
    auto loss = mlm_loss_sum(model->mlm_logits(hidden, positions), labels);
    if (probability_path) loss = loss + observer.total;
    return loss;
  };
  model->zero_grad();
  loss_fn().backward();

  const std::vector<std::string> checked = {
      "bert.embeddings.word_embeddings.weight",       "bert.embeddings.position_embeddings.weight",
      "bert.embeddings.token_type_embeddings.weight", "bert.embeddings.LayerNorm.weight",
      "bert.encoder.layer.0.attention.self.query.weight", "bert.encoder.layer.0.attention.self.key.bias",
      "bert.encoder.layer.1.attention.self.value.weight", "bert.encoder.layer.1.attention.output.dense.weight",
      "bert.encoder.layer.0.intermediate.dense.weight",   "bert.encoder.layer.1.output.LayerNorm.bias",
      "cls.predictions.transform.dense.weight",       "cls.predictions.bias"};
  auto params = model->named_parameters();
  torch::NoGradGuard no_grad;
  constexpr double kEps = 1e-6;
  int64_t compared = 0;
  for (const std::string& name : checked) {
    torch::Tensor p = params[name];
    const torch::Tensor grad = p.grad().reshape({-1});
    torch::Tensor flat = p.view({-1});
    // Three coordinates per tensor, spread over it; for word embeddings, rows of tokens actually used.
    std::vector<int64_t> coords = {0, flat.numel() / 2, flat.numel() - 1};
    if (name == "bert.embeddings.word_embeddings.weight") {
      coords = {ids[0][0].item<int64_t>() * o.hidden + 3, ids[1][1].item<int64_t>() * o.hidden + 7,
                17 * o.hidden + 1};  // 17: a label, reached through the tied decoder
    }
    for (int64_t c : coords) {
      const double saved = flat[c].item<double>();
      flat[c] = saved + kEps;
      const double up = loss_fn().item<double>();
      flat[c] = saved - kEps;
      const double down = loss_fn().item<double>();
      flat[c] = saved;
      const double numeric = (up - down) / (2 * kEps);
      const double analytic = grad[c].item<double>();
      EXPECT_NEAR(analytic, numeric, 1e-6 * std::max(1.0, std::abs(numeric))) << name << "[" << c << "]";
      ++compared;
    }
  }
  EXPECT_EQ(compared, 36);
}

INSTANTIATE_TEST_SUITE_P(Paths, GradientCheck, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "probability" : "fast"; });

}  // namespace
}  // namespace sasmlm
