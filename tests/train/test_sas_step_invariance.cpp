// What lambda multiplies does not depend on how a step is laid out: the same fixed batch of EWT sentences (dropout
// off, masks fixed here so every layout sees the same tokens) as B = 8 on one process, as 2 micro-batches of 4, and
// as 2 Gloo ranks of 4 gives the same SAS term and SAS gradient; the same 8 sequences twice (B = 16) give the same
// per-sequence term and gradient. The model runs in float64 so the comparison measures the arithmetic, not rounding.
#include <gtest/gtest.h>

#include <exception>
#include <functional>
#include <iostream>
#include <thread>

#include "sasmlm/data/conllu.h"
#include "sasmlm/data/loader.h"
#include "sasmlm/data/tokenizer.h"
#include "sasmlm/dist/grad_reducer.h"
#include "sasmlm/dist/process_group.h"
#include "sasmlm/train/optimizer.h"
#include "sasmlm/train/train_step.h"
#include "test_util.h"

namespace sasmlm {
namespace {

constexpr int64_t kVocab = 300;
constexpr double kLambda = 0.5;  // large, so the SAS gradient is far above rounding

// The first `count` EWT training sentences of 6 to 30 words as word-level sequences: one id per word (its form
// hashed into the vocabulary), [CLS] w1 .. wn [SEP], heads at the head word's position (the root has none).
std::vector<SequenceRecord> ewt_records(const std::string& path, size_t count) {
  std::vector<SequenceRecord> records;
  ConlluReader reader(path);
  for (ConlluSentence sentence; records.size() < count && reader.next(sentence);) {
    const int32_t n = int32_t(sentence.words.size());
    if (n < 6 || n > 30) continue;
    SequenceRecord r;
    r.ids.push_back(kClsId);
    r.heads.push_back(-1);
    r.word_index.push_back(-1);
    for (const ConlluWord& w : sentence.words) {
      r.ids.push_back(int32_t(kNumSpecialTokens + std::hash<std::string>{}(w.form) % (kVocab - kNumSpecialTokens)));
      r.heads.push_back(w.head == 0 ? -1 : w.head);  // word id j sits at position j
      r.word_index.push_back(w.id - 1);
    }
    r.ids.push_back(kSepId);
    r.heads.push_back(-1);
    r.word_index.push_back(-1);
    records.push_back(std::move(r));
  }
  return records;
}

// A batch of the given sequences with fixed masks: every 5th word position (by global sequence id) predicted.
Batch fixed_batch(const VectorSequenceSource& source, const std::vector<int64_t>& ids) {
  Batch b = collate(source, ids, 0);
  const int64_t length = b.input_ids.size(1);
  std::vector<int64_t> positions, labels;
  for (int64_t row = 0; row < b.input_ids.size(0); ++row) {
    for (int64_t t = 1; t < length; ++t) {
      if (b.word_index[row][t].item<int32_t>() < 0 || (t + ids[size_t(row)]) % 5 != 0) continue;
      positions.push_back(row * length + t);
      labels.push_back(b.input_ids[row][t].item<int64_t>());
      b.input_ids[row][t] = int64_t(kMaskId);
    }
  }
  b.mlm_positions = torch::tensor(positions, torch::kInt64);  // (M,)
  b.mlm_labels = torch::tensor(labels, torch::kInt64);        // (M,)
  return b;
}

StepBatches step_of(const VectorSequenceSource& source, const std::vector<std::vector<int64_t>>& micro_ids) {
  StepBatches step;
  for (const auto& ids : micro_ids) {
    step.micro.push_back(fixed_batch(source, ids));
    step.num_masked += step.micro.back().mlm_positions.size(0);
  }
  return step;
}

BertForMaskedLM make_model() {
  torch::manual_seed(7);
  ModelConfig mc;
  mc.layers = 2;
  mc.hidden = 32;
  mc.heads = 2;
  mc.dropout = 0;
  mc.attention_dropout = 0;
  BertForMaskedLM model(bert_options_from(mc, kVocab));
  model->to(torch::kFloat64);
  return model;
}

struct Result {
  double sas_loss = 0;                // per parsed sequence
  std::vector<torch::Tensor> grads;   // as reduced, before clipping
};

// One step of `batches` with lambda; `wire` connects the context to a process group (identity on one process).
Result run_step(BertForMaskedLM model, const SasConfig& sas, double lambda, const StepBatches& batches,
                const std::function<void(TrainContext&)>& wire = {}) {
  TrainContext ctx;
  ctx.model = model;
  ctx.config.grad_clip = 0;
  auto optimizer = make_adamw(*ctx.model, ctx.config);
  ctx.optimizer = optimizer.get();
  SasConfig config = sas;
  config.schedule = {SasWindow{std::nullopt, lambda, std::nullopt}};
  ctx.schedule = LambdaSchedule(config.schedule);
  auto regularizer = make_regularizer(config, ctx.model->options().layers);
  ctx.regularizer = regularizer.get();
  if (wire) wire(ctx);
  Result out;
  const auto reduce = ctx.reduce_gradients;
  ctx.reduce_gradients = [&] {
    reduce();
    for (auto& p : ctx.model->parameters()) out.grads.push_back(p.grad().clone());
  };
  out.sas_loss = train_step(ctx, batches).sas_loss;
  return out;
}

// The SAS term's own gradient: the step's gradient with lambda minus the one without, per unit of lambda.
Result sas_part(const std::function<Result(double)>& run) {
  Result with = run(kLambda), without = run(0.0);
  for (size_t i = 0; i < with.grads.size(); ++i) with.grads[i] = (with.grads[i] - without.grads[i]) / kLambda;
  return with;
}

double max_difference(const Result& a, const Result& b) {
  EXPECT_EQ(a.grads.size(), b.grads.size());
  double worst = 0;
  for (size_t i = 0; i < a.grads.size(); ++i) {
    worst = std::max(worst, (a.grads[i] - b.grads[i]).abs().max().item<double>());
  }
  return worst;
}

double max_abs(const Result& a) {
  double m = 0;
  for (const auto& g : a.grads) m = std::max(m, g.abs().max().item<double>());
  return m;
}

// Two ranks as two threads in one Gloo group, each running its slice of the step; returns rank 0's result.
Result two_gloo_ranks(const SasConfig& sas, double lambda, const VectorSequenceSource& source) {
  const int port = test::free_port();
  std::vector<BertForMaskedLM> models = {make_model(), make_model()};  // built here: the global RNG is not thread-safe
  const std::vector<std::vector<int64_t>> slices = {{0, 1, 2, 3}, {4, 5, 6, 7}};
  std::vector<StepBatches> steps = {step_of(source, {slices[0]}), step_of(source, {slices[1]})};
  std::vector<Result> results(2);
  std::vector<std::exception_ptr> errors(2);
  std::vector<std::thread> threads;
  for (int64_t r = 0; r < 2; ++r) {
    threads.emplace_back([&, r] {
      try {
        DistEnv env;
        env.rank = r;
        env.world_size = 2;
        env.master_addr = "127.0.0.1";
        env.port = port;
        env.launcher = "torchrun";
        DistributedConfig config;
        config.backend = "gloo";
        config.timeout_s = 60;
        ProcessGroup group(env, config, torch::kCPU);
        GradReducer reducer(group, models[size_t(r)]->parameters(), 0.05);
        results[size_t(r)] = run_step(models[size_t(r)], sas, lambda, steps[size_t(r)], [&](TrainContext& ctx) {
          ctx.all_reduce_sums = [&](std::vector<double>& values) {
            torch::Tensor buffer = torch::tensor(values, torch::kFloat64);  // (N,)
            group.wait(group.all_reduce_sum_async(buffer), "counts");
            for (size_t i = 0; i < values.size(); ++i) values[i] = buffer[int64_t(i)].item<double>();
          };
          ctx.before_backward = [&](bool final_micro) { reducer.prepare_backward(final_micro); };
          ctx.reduce_gradients = [&] { reducer.finish(); };
        });
        group.barrier();
      } catch (...) {
        errors[size_t(r)] = std::current_exception();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  EXPECT_EQ(max_difference(results[0], results[1]), 0.0) << "the ranks' reduced gradients differ";
  return results[0];
}

void check_layouts(const SasConfig& sas) {
  SASMLM_REQUIRE_SHARED(ewt, "ud-ewt/train.conllu");
  const VectorSequenceSource source(ewt_records(ewt.string(), 8));
  ASSERT_EQ(source.size(), 8);
  const std::vector<int64_t> all = {0, 1, 2, 3, 4, 5, 6, 7};
  const std::vector<int64_t> twice = {0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7};

  const Result one = sas_part([&](double l) { return run_step(make_model(), sas, l, step_of(source, {all})); });
  const Result micro = sas_part(
      [&](double l) { return run_step(make_model(), sas, l, step_of(source, {{0, 1, 2, 3}, {4, 5, 6, 7}})); });
  const Result ranks = sas_part([&](double l) { return two_gloo_ranks(sas, l, source); });
  const Result doubled = sas_part([&](double l) { return run_step(make_model(), sas, l, step_of(source, {twice})); });

  ASSERT_GT(one.sas_loss, 0.1);  // a live term: R per sequence is of order 1 here
  const double scale = max_abs(one);
  ASSERT_GT(scale, 1e-3) << "the SAS gradient vanished: the comparison would be vacuous";
  for (const auto& [name, other] : {std::pair<const char*, const Result*>{"2 micro-batches of 4", &micro},
                                    {"2 Gloo ranks of 4", &ranks}, {"the 8 sequences twice (B = 16)", &doubled}}) {
    SCOPED_TRACE(name);
    const double term_diff = std::abs(other->sas_loss - one.sas_loss);
    const double grad_diff = max_difference(one, *other);
    EXPECT_LE(term_diff, 1e-6 * one.sas_loss);
    EXPECT_LE(grad_diff, 1e-6 * scale);
    std::cout << "[ layouts   ] " << sas.normalization << " " << sas.variant << ": B = 8 vs " << name
              << ": SAS term " << one.sas_loss << " (difference " << term_diff << "), SAS gradient max |g| " << scale
              << " (largest difference " << grad_diff << ")\n";
  }
}

TEST(SasStepInvariance, PerSequenceTermAndGradientIgnoreMicroBatchesRanksAndDuplication) {
  SasConfig sas;  // the defaults: max, normalization per_sequence
  check_layouts(sas);
}

TEST(SasStepInvariance, PerSequenceUniformP2TermAndGradientIgnoreTheLayoutToo) {
  SasConfig sas;
  sas.variant = "uniform";
  sas.p = 2.0;  // the root per sequence keeps even p != 1 independent of the layout
  check_layouts(sas);
}

// normalization: authors with their per-device batch m: lambda * R_step * m / B, i.e. m times the per-sequence
// term when every sequence is parsed; and it, too, does not depend on the layout (the max variant).
TEST(SasStepInvariance, AuthorsConventionIsThePerSequenceTermTimesTheirMicroBatch) {
  SASMLM_REQUIRE_SHARED(ewt, "ud-ewt/train.conllu");
  const VectorSequenceSource source(ewt_records(ewt.string(), 8));
  SasConfig per_sequence, authors;
  authors.normalization = "authors";
  authors.authors_micro_batch = 4;
  const std::vector<int64_t> all = {0, 1, 2, 3, 4, 5, 6, 7};
  const Result ours =
      sas_part([&](double l) { return run_step(make_model(), per_sequence, l, step_of(source, {all})); });
  Result theirs = sas_part([&](double l) { return run_step(make_model(), authors, l, step_of(source, {all})); });
  const Result theirs_micro = sas_part(
      [&](double l) { return run_step(make_model(), authors, l, step_of(source, {{0, 1, 2, 3}, {4, 5, 6, 7}})); });
  EXPECT_LE(max_difference(theirs, theirs_micro), 1e-6 * max_abs(theirs));
  EXPECT_DOUBLE_EQ(theirs.sas_loss, ours.sas_loss);  // sas_loss is per sequence under every normalization
  for (auto& g : theirs.grads) g = g / 4.0;
  EXPECT_LE(max_difference(theirs, ours), 1e-6 * max_abs(ours));
}

}  // namespace
}  // namespace sasmlm
