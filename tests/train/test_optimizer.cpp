#include <gtest/gtest.h>

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

}  // namespace sasmlm
