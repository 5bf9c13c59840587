#include "sasmlm/model/mlm_loss.h"

#include <gtest/gtest.h>

namespace sasmlm {
namespace {

TEST(MlmLoss, EqualsCrossEntropySum) {
  torch::manual_seed(21);
  const auto logits = torch::randn({9, 31});
  const auto labels = torch::randint(0, 31, {9}, torch::kInt64);
  const auto loss = mlm_loss_sum(logits, labels);
  EXPECT_EQ(loss.dim(), 0);
  EXPECT_EQ(loss.scalar_type(), torch::kFloat32);
  // Written out: -sum_i log softmax(logits_i)[label_i].
  const auto log_probs = logits.log_softmax(-1);
  const double expected = -log_probs.gather(1, labels.unsqueeze(1)).sum().item<double>();
  EXPECT_NEAR(loss.item<double>(), expected, 1e-4);
  const double mean = torch::nn::functional::cross_entropy(logits, labels).item<double>();
  EXPECT_NEAR(loss.item<double>(), 9 * mean, 1e-4);
}

TEST(MlmLoss, SumsSplitExactlyLikeTheWholeBatch) {
  torch::manual_seed(22);
  const auto logits = torch::randn({10, 17});
  const auto labels = torch::randint(0, 17, {10}, torch::kInt64);
  const double whole = mlm_loss_sum(logits, labels).item<double>();
  const double parts = mlm_loss_sum(logits.narrow(0, 0, 3), labels.narrow(0, 0, 3)).item<double>() +
                       mlm_loss_sum(logits.narrow(0, 3, 7), labels.narrow(0, 3, 7)).item<double>();
  EXPECT_NEAR(whole, parts, 1e-4);
}

TEST(MlmLoss, ReducedPrecisionLogitsGiveFp32Loss) {
  torch::manual_seed(23);
  const auto logits = torch::randn({6, 40});
  const auto labels = torch::randint(0, 40, {6}, torch::kInt64);
  const auto bf16 = logits.to(torch::kBFloat16).requires_grad_(true);
  const auto loss = mlm_loss_sum(bf16, labels);
  EXPECT_EQ(loss.scalar_type(), torch::kFloat32);
  EXPECT_NEAR(loss.item<double>(), mlm_loss_sum(bf16.detach().to(torch::kFloat32), labels).item<double>(), 1e-5);
  loss.backward();
  EXPECT_EQ(bf16.grad().scalar_type(), torch::kBFloat16);
}

TEST(MlmLoss, EmptySelectionIsZero) {
  const auto loss = mlm_loss_sum(torch::zeros({0, 5}), torch::zeros({0}, torch::kInt64));
  EXPECT_EQ(loss.item<double>(), 0.0);
}

}  // namespace
}  // namespace sasmlm
