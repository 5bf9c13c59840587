// Gradients of R against central finite differences in double precision, through softmax from the raw scores.
#include <algorithm>
#include "sasmlm/sas/regularizer.h"

#include "sas_test_util.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace sasmlm {
namespace {

using test::make_sas_batch;
using test::masked_scores;

constexpr int64_t kLayers = 3, kHeads = 2;

struct Problem {
  test::SasBatch batch = make_sas_batch({7, 5}, 7, 21);
  torch::Tensor scores;  // (L, B, H, T, T) float64 raw scores (padded keys are masked inside r_of)
};

Problem make_problem(uint64_t seed) {
  Problem problem;
  torch::manual_seed(seed);
  problem.scores = 2.0 * torch::randn({kLayers, 2, kHeads, 7, 7}, torch::kFloat64);
  return problem;
}

// R as a function of the raw scores, through the regularizer.
torch::Tensor r_of(Regularizer& reg, const Problem& problem, const torch::Tensor& scores) {
  reg.begin(problem.batch.heads, problem.batch.attention_mask, 5);
  for (int64_t l = 0; l < kLayers; ++l) {
    if (!reg.wants_layer(l)) continue;
    reg.observe(l, torch::softmax(masked_scores(scores[l], problem.batch.attention_mask), -1));  // (B, H, T, T)
  }
  return reg.finish();
}

// Central differences along random directions of the whole score tensor (every entry takes part) and along
// single entries at arc positions (where R's gradient is largest), against the autograd gradient.
void check_gradient(const SasConfig& config, uint64_t seed) {
  const Problem problem = make_problem(seed);
  auto reg = make_regularizer(config, kLayers);
  const torch::Tensor scores = problem.scores.clone().requires_grad_(true);
  r_of(*reg, problem, scores).backward();
  const torch::Tensor analytic = scores.grad();  // (L, B, H, T, T)

  std::vector<torch::Tensor> directions;
  for (int k = 0; k < 6; ++k) directions.push_back(torch::randn_like(problem.scores));
  const torch::Tensor arcs = reg->arcs();
  for (int64_t k = 0; k < std::min<int64_t>(arcs.size(0), 6); ++k) {
    torch::Tensor unit = torch::zeros_like(problem.scores);
    const int64_t b = arcs[k][0].item<int64_t>(), dependent = arcs[k][1].item<int64_t>();
    const int64_t head = arcs[k][2].item<int64_t>();
    unit[k % kLayers][b][k % kHeads][dependent][head] = 1.0;  // a to_head entry
    directions.push_back(unit);
    unit = torch::zeros_like(problem.scores);
    unit[k % kLayers][b][k % kHeads][head][dependent] = 1.0;  // a to_dependent entry
    directions.push_back(unit);
  }
  const double eps = 1e-6;
  double largest = 0.0;
  for (size_t k = 0; k < directions.size(); ++k) {
    const torch::Tensor& v = directions[k];
    const double up = r_of(*reg, problem, problem.scores + eps * v).item<double>();
    const double down = r_of(*reg, problem, problem.scores - eps * v).item<double>();
    const double numeric = (up - down) / (2 * eps);
    const double expected = (analytic * v).sum().item<double>();
    largest = std::max(largest, std::abs(numeric));
    EXPECT_NEAR(numeric, expected, 1e-7 * std::max(1.0, std::abs(expected))) << "direction " << k;
  }
  EXPECT_GT(largest, 1e-3) << "gradient vanished: the check would be vacuous";
}

TEST(RegularizerGradient, MaxBothDirectionsMatchesFiniteDifferences) { check_gradient([] {
  SasConfig c; c.variant = "max"; return c; }(), 1); }

TEST(RegularizerGradient, MaxToHeadOnSomeLayersAuthorsMatchesFiniteDifferences) { check_gradient([] {
  SasConfig c; c.variant = "max"; c.directions = "to_head"; c.layers = {0, 2}; c.normalization = "authors";
  return c; }(), 2); }

TEST(RegularizerGradient, UniformP2PerBatchRootMatchesFiniteDifferences) { check_gradient([] {
  SasConfig c; c.variant = "uniform"; c.p = 2.0; c.normalization = "authors"; return c; }(), 3); }

TEST(RegularizerGradient, UniformP3ToDependentPerSequenceRootMatchesFiniteDifferences) { check_gradient([] {
  SasConfig c; c.variant = "uniform"; c.p = 3.0; c.directions = "to_dependent"; c.normalization = "per_sequence";
  return c; }(), 4); }

TEST(RegularizerGradient, RandomArcsMatchesFiniteDifferences) { check_gradient([] {
  SasConfig c; c.variant = "random_arcs"; return c; }(), 5); }

// Ties: within a layer the gradient is split evenly between tied heads (torch::amax); across layers it is split
// half-half between the running max and the new layer (torch::maximum). The total is always 1 per arc direction.
TEST(RegularizerGradient, TiesShareTheGradientAsAmaxAndMaximumDefine) {
  const torch::Tensor heads = torch::tensor({{-1, 2, -1, -1}}, torch::kInt64);  // one arc: 1 -> 2
  const torch::Tensor mask = torch::ones({1, 4}, torch::kBool);
  SasConfig config;
  config.directions = "to_head";
  auto reg = make_regularizer(config, 2);
  const torch::Tensor p0 = torch::full({1, 2, 4, 4}, 0.25, torch::kFloat64).requires_grad_(true);
  torch::Tensor p1 = torch::full({1, 2, 4, 4}, 0.10, torch::kFloat64);
  p1.index_put_({0, 0, 1, 2}, 0.25);
  p1.requires_grad_(true);
  reg->begin(heads, mask, 0);
  reg->observe(0, p0);
  reg->observe(1, p1);
  const torch::Tensor r = reg->finish();
  EXPECT_DOUBLE_EQ(r.item<double>(), 0.25);
  r.backward();
  // Layer 0: two tied heads share layer 0's half; layer 1: its single max gets the other half.
  EXPECT_DOUBLE_EQ(p0.grad()[0][0][1][2].item<double>(), 0.25);
  EXPECT_DOUBLE_EQ(p0.grad()[0][1][1][2].item<double>(), 0.25);
  EXPECT_DOUBLE_EQ(p1.grad()[0][0][1][2].item<double>(), 0.5);
  EXPECT_DOUBLE_EQ(p1.grad()[0][1][1][2].item<double>(), 0.0);
  EXPECT_DOUBLE_EQ(p0.grad().sum().item<double>() + p1.grad().sum().item<double>(), 1.0);
}

// Post-dropout probabilities can be exactly 0 at every arc entry; the uniform root must not turn that into NaN.
TEST(RegularizerGradient, UniformWithAllArcEntriesZeroHasAFiniteGradient) {
  const torch::Tensor heads = torch::tensor({{-1, 2, -1, -1}}, torch::kInt64);
  const torch::Tensor mask = torch::ones({1, 4}, torch::kBool);
  SasConfig config;
  config.variant = "uniform";
  config.p = 2.0;
  auto reg = make_regularizer(config, 1);
  const torch::Tensor probs = torch::zeros({1, 3, 4, 4}, torch::kFloat32).requires_grad_(true);
  reg->begin(heads, mask, 0);
  reg->observe(0, probs);
  const torch::Tensor r = reg->finish();
  EXPECT_EQ(r.item<float>(), 0.0f);
  r.backward();
  EXPECT_TRUE(torch::isfinite(probs.grad()).all().item<bool>());
  EXPECT_EQ(probs.grad().abs().sum().item<float>(), 0.0f);
}

}  // namespace
}  // namespace sasmlm
