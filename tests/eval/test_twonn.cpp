#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "eval_test_util.h"
#include "sasmlm/eval/twonn.h"

namespace sasmlm {
namespace {

const torch::Device kCpu(torch::kCPU);

// n standard-normal points of R^d, embedded linearly (random orthonormal basis, random offset) in R^ambient.
// Gaussian rather than uniform-in-a-cube coordinates: a cube's faces make TwoNN underestimate visibly from d ~ 10
// (about 8.7 for d = 10 at n = 2000), a known boundary effect, not the estimator under test.
torch::Tensor points_on_subspace(int64_t n, int64_t d, int64_t ambient, uint64_t seed) {
  torch::manual_seed(seed);
  const torch::Tensor coordinates = torch::randn({n, d}, torch::kDouble);              // (n, d)
  const torch::Tensor basis = std::get<0>(torch::linalg_qr(torch::randn({ambient, d}, torch::kDouble)));  // (D, d)
  return torch::mm(coordinates, basis.t()) + torch::randn({1, ambient}, torch::kDouble);  // (n, D)
}

TEST(Twonn, RecoversDimensionOfLinearSubspaces) {
  for (int64_t d : {2, 5, 10}) {
    const double estimate = twonn_dimension(points_on_subspace(2000, d, 32, uint64_t(d)));
    EXPECT_NEAR(estimate, double(d), 0.15 * double(d)) << "d = " << d;
  }
}

TEST(Twonn, DuplicatesAreMergedAndFloatInputWorks) {
  const torch::Tensor points = points_on_subspace(500, 3, 8, 1);
  const double reference = twonn_dimension(points);
  EXPECT_DOUBLE_EQ(twonn_dimension(torch::cat({points, points, points.narrow(0, 0, 100)}, 0)), reference);
  EXPECT_NEAR(twonn_dimension(points.to(torch::kFloat)), reference, 0.05 * reference);
}

TEST(Twonn, TooFewPointsGiveNaN) {
  EXPECT_TRUE(std::isnan(twonn_dimension(torch::zeros({0, 4}))));
  EXPECT_TRUE(std::isnan(twonn_dimension(torch::ones({50, 4}))));  // one distinct point
  EXPECT_TRUE(std::isnan(twonn_dimension(torch::eye(4).narrow(0, 0, 2))));
}

std::vector<std::vector<int32_t>> random_sequences(int64_t count, int32_t vocab, uint64_t seed) {
  Rng rng(seed);
  std::vector<std::vector<int32_t>> sequences;
  for (int64_t s = 0; s < count; ++s) {
    std::vector<int32_t> seq = {kClsId};
    for (uint64_t t = 0, n = 3 + rng.below(15); t < n; ++t) seq.push_back(int32_t(kNumSpecialTokens + rng.below(uint64_t(vocab - kNumSpecialTokens))));
    seq.push_back(kSepId);
    sequences.push_back(seq);
  }
  return sequences;
}

TEST(Twonn, PerLayerIsDeterministicAndSamplesRealTokens) {
  torch::manual_seed(2);
  BertForMaskedLM model(test::small_options(60));
  model->train();
  const auto sequences = random_sequences(80, 60, 3);
  const std::vector<double> a = twonn_per_layer(model, sequences, 300, 7, kCpu);
  EXPECT_TRUE(model->is_training());
  ASSERT_EQ(a.size(), 3u);  // embeddings + 2 layers
  // Values are not checked against a reference: a random model's token clouds have no known dimension.
  for (double id : a) {
    EXPECT_TRUE(std::isfinite(id));
    EXPECT_GT(id, 0.0);
  }
  EXPECT_EQ(twonn_per_layer(model, sequences, 300, 7, kCpu), a);
  EXPECT_NE(twonn_per_layer(model, sequences, 300, 8, kCpu), a);
  // Fewer tokens than max_tokens: all are used, so the seed no longer matters.
  EXPECT_EQ(twonn_per_layer(model, sequences, 100000, 1, kCpu), twonn_per_layer(model, sequences, 100000, 2, kCpu));

  // Identical real tokens at identical positions give one distinct point per layer (NaN); sampling [CLS] or
  // [SEP] would have added distinct points and a finite estimate.
  const std::vector<std::vector<int32_t>> same(20, std::vector<int32_t>{kClsId, 9, kSepId});
  for (double id : twonn_per_layer(model, same, 100, 1, kCpu)) EXPECT_TRUE(std::isnan(id));
}

}  // namespace
}  // namespace sasmlm
