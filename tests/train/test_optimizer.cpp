#include <gtest/gtest.h>

#include <limits>

#include "sasmlm/model/bert.h"
#include "sasmlm/train/optimizer.h"

namespace sasmlm {

TEST(LearningRate, LinearWarmupThenDecayToZeroAtTheHorizon) {
  TrainerConfig c;
  c.lr = 1e-3;
  c.warmup_steps = 10;
  c.max_steps = 100;
  c.decay_horizon = 110;
  EXPECT_DOUBLE_EQ(learning_rate_at(c, 0), 1e-4);     // first update: 1/10 of the peak
  EXPECT_DOUBLE_EQ(learning_rate_at(c, 9), 1e-3);     // end of warmup: the peak
  EXPECT_NEAR(learning_rate_at(c, 59), 0.5e-3, 1e-12);  // halfway from step 10 to 110
  EXPECT_NEAR(learning_rate_at(c, 109), 0.0, 1e-12);
  c.decay_horizon = 1000000;  // the paper's recipe: decay horizon far past the run
  EXPECT_NEAR(learning_rate_at(c, 99), 1e-3 * (1.0 - 90.0 / 999990.0), 1e-12);
  c.lr_schedule = "constant";
  EXPECT_DOUBLE_EQ(learning_rate_at(c, 500), 1e-3);
  c.lr_schedule = "cosine";
  c.decay_horizon = 110;
  EXPECT_NEAR(learning_rate_at(c, 59), 0.5e-3, 1e-12);
  EXPECT_NEAR(learning_rate_at(c, 109), 0.0, 1e-12);
}

TEST(AdamW, NoDecayOnBiasesAndLayerNorm) {
  ModelConfig mc;
  BertForMaskedLM model(bert_options_from(mc, 100));
  TrainerConfig tc;
  tc.weight_decay = 0.01;
  auto opt = make_adamw(*model, tc);
  ASSERT_EQ(opt->param_groups().size(), 2u);
  const auto& decay = opt->param_groups()[0];
  const auto& no_decay = opt->param_groups()[1];
  EXPECT_DOUBLE_EQ(static_cast<const torch::optim::AdamWOptions&>(decay.options()).weight_decay(), 0.01);
  EXPECT_DOUBLE_EQ(static_cast<const torch::optim::AdamWOptions&>(no_decay.options()).weight_decay(), 0.0);
  // Every bias and LayerNorm tensor is in the no-decay group; the 2-D weights decay.
  int64_t expected_no_decay = 0;
  for (const auto& p : model->named_parameters()) {
    const std::string& n = p.key();
    if (n.find("LayerNorm") != std::string::npos || (n.size() >= 4 && n.substr(n.size() - 4) == "bias")) {
      ++expected_no_decay;
      EXPECT_EQ(p.value().dim(), 1) << n;
    }
  }
  EXPECT_EQ(int64_t(no_decay.params().size()), expected_no_decay);
  for (const auto& t : decay.params()) EXPECT_EQ(t.dim(), 2);
}

// The fused kernel (CUDA's default; also built for CPU, where it is tested) must give the loop's update and leave
// the optimizer state as the loop would, so checkpoints from either resume on the other.
TEST(AdamW, FusedKernelMatchesTheLoopAndItsState) {
  ModelConfig mc;
  mc.layers = 1;
  mc.hidden = 32;
  mc.heads = 2;
  mc.intermediate = 64;
  mc.dropout = 0;  // both models must see the same gradients
  mc.attention_dropout = 0;
  TrainerConfig tc;
  tc.lr = 1e-2;
  tc.weight_decay = 0.1;
  torch::manual_seed(3);
  BertForMaskedLM loop_model(bert_options_from(mc, 50));
  BertForMaskedLM fused_model(bert_options_from(mc, 50));
  {
    torch::NoGradGuard no_grad;
    auto src = loop_model->parameters();
    auto dst = fused_model->parameters();
    for (size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
  }
  auto loop_opt = make_adamw(*loop_model, tc);
  auto fused_opt = make_adamw(*fused_model, tc);
  for (int step = 0; step < 4; ++step) {
    torch::manual_seed(100 + step);
    const auto ids = torch::randint(0, 50, {2, 6}, torch::kLong);
    const auto mask = torch::ones({2, 6}, torch::kBool);
    for (auto* m : {&loop_model, &fused_model}) {
      torch::Tensor hidden = (*m)->encode(ids, mask, nullptr);  // (B, T, H)
      hidden.pow(2).mean().backward();
    }
    set_learning_rate(*loop_opt, tc.lr * (step + 1) / 4.0);
    set_learning_rate(*fused_opt, tc.lr * (step + 1) / 4.0);
    adamw_step(*loop_opt, /*fused=*/false);
    adamw_step(*fused_opt, /*fused=*/true);
    loop_opt->zero_grad(true);
    fused_opt->zero_grad(true);
  }
  auto a = loop_model->parameters();
  auto b = fused_model->parameters();
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, (a[i] - b[i]).abs().max().item<double>());
  // Same moments (below), parameters equal to rounding: the kernel orders the bias corrections differently, which
  // moves a 1e-2 step by ~1e-6 after 4 steps.
  EXPECT_LT(worst, 1e-5);
  EXPECT_GT((a[0] - torch::zeros_like(a[0])).abs().max().item<double>(), 0.0);
  // Same state entries, same step counts and moments.
  for (size_t i = 0; i < a.size(); ++i) {
    if (!a[i].requires_grad()) continue;
    auto ia = loop_opt->state().find(a[i].unsafeGetTensorImpl());
    auto ib = fused_opt->state().find(b[i].unsafeGetTensorImpl());
    ASSERT_EQ(ia == loop_opt->state().end(), ib == fused_opt->state().end()) << i;
    if (ia == loop_opt->state().end()) continue;
    const auto& sa = static_cast<torch::optim::AdamWParamState&>(*ia->second);
    const auto& sb = static_cast<torch::optim::AdamWParamState&>(*ib->second);
    EXPECT_EQ(sa.step(), sb.step());
    EXPECT_LT((sa.exp_avg() - sb.exp_avg()).abs().max().item<double>(), 1e-7);
    EXPECT_LT((sa.exp_avg_sq() - sb.exp_avg_sq()).abs().max().item<double>(), 1e-8);
  }
}

// clip_gradients must do what torch::nn::utils::clip_grad_norm_ does, without the host read.
TEST(ClipGradients, MatchesLibTorchsClipGradNormAndLeavesGradientsAloneWithoutALimit) {
  torch::manual_seed(5);
  torch::nn::Sequential ours(torch::nn::Linear(7, 5), torch::nn::Linear(5, 3));
  torch::nn::Sequential reference(torch::nn::Linear(7, 5), torch::nn::Linear(5, 3));
  auto set_grads = [](torch::nn::Module& m, double scale) {
    torch::manual_seed(9);
    for (auto& p : m.parameters()) p.mutable_grad() = torch::randn_like(p) * scale;
  };
  for (const double max_norm : {0.5, 1e6}) {
    set_grads(*ours, 3.0);
    set_grads(*reference, 3.0);
    const double expected = torch::nn::utils::clip_grad_norm_(reference->parameters(), max_norm);
    const torch::Tensor norm = clip_gradients(*ours, max_norm);
    EXPECT_EQ(norm.dim(), 0);
    EXPECT_NEAR(norm.item<double>(), expected, 1e-5 * expected) << "max_norm " << max_norm;
    const auto a = ours->parameters(), b = reference->parameters();
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_TRUE(torch::allclose(a[i].grad(), b[i].grad(), 1e-6, 1e-7)) << "parameter " << i;
    }
  }
  set_grads(*ours, 3.0);
  const torch::Tensor before = ours->parameters()[0].grad().clone();
  clip_gradients(*ours, std::numeric_limits<double>::infinity());
  EXPECT_TRUE(torch::equal(ours->parameters()[0].grad(), before));
}

}  // namespace sasmlm
