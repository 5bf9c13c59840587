#include <gtest/gtest.h>

#include "sasmlm/core/rng.h"
#include "sasmlm/data/loader.h"
#include "sasmlm/data/tokenizer.h"
#include "sasmlm/train/optimizer.h"
#include "sasmlm/train/train_step.h"

namespace sasmlm {
namespace {

std::shared_ptr<VectorSequenceSource> make_source(int64_t n, int64_t vocab) {
  std::vector<SequenceRecord> records;
  Rng rng(3);
  for (int64_t i = 0; i < n; ++i) {
    SequenceRecord r;
    const int64_t words = 6 + int64_t(rng.below(20));
    r.ids.push_back(kClsId);
    r.heads.push_back(-1);
    r.word_index.push_back(-1);
    for (int64_t w = 0; w < words; ++w) {
      r.ids.push_back(int32_t(kNumSpecialTokens + rng.below(uint64_t(vocab - kNumSpecialTokens))));
      r.heads.push_back(w == 0 ? -1 : int32_t(1 + rng.below(uint64_t(w))));
      r.word_index.push_back(int32_t(w));
    }
    r.ids.push_back(kSepId);
    r.heads.push_back(-1);
    r.word_index.push_back(-1);
    records.push_back(r);
  }
  return std::make_shared<VectorSequenceSource>(records);
}

struct Captured {
  std::vector<torch::Tensor> grads;
  StepStats stats;
};

// One step with the given micro-batch size; returns the gradients as reduced (before clipping) and the stats.
Captured run_one_step(int64_t micro, double lambda) {
  const int64_t vocab = 60;
  auto source = make_source(32, vocab);
  torch::manual_seed(11);
  ModelConfig mc;
  mc.dropout = 0;
  mc.attention_dropout = 0;
  TrainContext ctx;
  ctx.model = BertForMaskedLM(bert_options_from(mc, vocab));
  ctx.config.grad_clip = 0;
  auto opt = make_adamw(*ctx.model, ctx.config);
  ctx.optimizer = opt.get();
  SasConfig sc;
  sc.schedule = {SasWindow{std::nullopt, lambda, std::nullopt}};
  ctx.schedule = LambdaSchedule(sc.schedule);
  auto reg = make_regularizer(sc, ctx.model->options().layers);
  ctx.regularizer = reg.get();
  Captured out;
  ctx.reduce_gradients = [&] {
    for (auto& p : ctx.model->parameters()) out.grads.push_back(p.grad().clone());
  };
  LoaderOptions lo;
  lo.batch_size = 32;
  lo.micro_batch_size = micro;
  lo.prefetch = 0;
  lo.masking = MaskingOptions{0.15, 0.8, 0.1, vocab};
  Sampler sampler(source->size(), 32, 0);
  out.stats = train_step(ctx, build_step(*source, sampler, lo, 0));
  return out;
}

}  // namespace

TEST(TrainStep, FourMicroBatchesOfEightEqualOneBatchOfThirtyTwo) {
  for (double lambda : {0.0, 0.01}) {
    Captured big = run_one_step(0, lambda);
    Captured small = run_one_step(8, lambda);
    ASSERT_EQ(big.grads.size(), small.grads.size());
    EXPECT_NEAR(big.stats.mlm_loss, small.stats.mlm_loss, 1e-5);
    EXPECT_NEAR(big.stats.sas_loss, small.stats.sas_loss, 1e-4 * std::max(1.0, big.stats.sas_loss));
    EXPECT_EQ(big.stats.masked, small.stats.masked);
    for (size_t i = 0; i < big.grads.size(); ++i) {
      EXPECT_TRUE(torch::allclose(big.grads[i], small.grads[i], 1e-4, 1e-6))
          << "lambda " << lambda << " parameter " << i << " max diff "
          << (big.grads[i] - small.grads[i]).abs().max().item<double>();
    }
    if (lambda != 0.0) {
      EXPECT_GT(big.stats.sas_loss, 0.0);
    }
  }
}

TEST(TrainStep, LambdaZeroComputesNoRegularizer) {
  Captured c = run_one_step(0, 0.0);
  EXPECT_EQ(c.stats.sas_loss, 0.0);
  EXPECT_FALSE(c.stats.skipped);
  EXPECT_GT(c.stats.mlm_loss, 3.0);  // ~ln(60) at init
}

}  // namespace sasmlm
