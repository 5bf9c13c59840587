#include "sasmlm/sas/regularizer.h"

#include "sas_test_util.h"
#include "sasmlm/core/error.h"
#include "sasmlm/sas/arcs.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace sasmlm {
namespace {

using test::brute_force_arcs;
using test::brute_force_r;
using test::make_sas_batch;
using test::random_attention;

constexpr uint64_t kKey = 77;

SasConfig sas_config(const std::string& variant, const std::string& directions = "both",
                     std::vector<int64_t> layers = {}, const std::string& normalization = "none", double p = 2.0) {
  SasConfig config;
  config.variant = variant;
  config.directions = directions;
  config.layers = std::move(layers);
  config.normalization = normalization;
  config.p = p;
  return config;
}

// Runs one batch through a regularizer the way the trainer and model do.
torch::Tensor run(Regularizer& reg, const test::SasBatch& batch, const std::vector<torch::Tensor>& probs,
                  uint64_t key = kKey) {
  reg.begin(batch.heads, batch.attention_mask, key);
  for (int64_t l = 0; l < int64_t(probs.size()); ++l) {
    if (reg.wants_layer(l)) reg.observe(l, probs[size_t(l)]);
  }
  return reg.finish();
}

TEST(ExtractArcs, MatchesNestedLoopsInRowMajorOrder) {
  const auto batch = make_sas_batch({9, 12, 4, 7}, 12, 3);
  const torch::Tensor arcs = extract_arcs(batch.heads, batch.attention_mask);
  const torch::Tensor expected = brute_force_arcs(batch.heads);
  ASSERT_GT(expected.size(0), 10);
  EXPECT_TRUE(torch::equal(arcs, expected));
}

TEST(ExtractArcs, RejectsArcsTouchingPaddingOrSelf) {
  auto batch = make_sas_batch({6, 4}, 6, 1);
  batch.heads[1][2] = 5;  // row 1 has 4 real tokens: position 5 is padding
  EXPECT_THROW(extract_arcs(batch.heads, batch.attention_mask), InternalError);
  batch.heads[1][2] = 2;  // self-loop
  EXPECT_THROW(extract_arcs(batch.heads, batch.attention_mask), InternalError);
  batch.heads[1][2] = -3;
  EXPECT_THROW(extract_arcs(batch.heads, batch.attention_mask), InternalError);
}

// Every variant and option combination against the nested-loop reference, in double precision.
TEST(Regularizer, MatchesBruteForceForEveryOptionCombination) {
  const auto batch = make_sas_batch({10, 7, 12, 3, 9}, 12, 11);  // row 3 has no arcs at all
  const auto probs = random_attention(batch.attention_mask, 3, 4, torch::kFloat64, 5);
  int checked = 0;
  for (const std::string variant : {"max", "uniform", "random_arcs"}) {
    for (double p : variant == std::string("uniform") ? std::vector<double>{1.0, 2.0, 3.5} : std::vector<double>{2.0}) {
      for (const std::string directions : {"both", "to_head", "to_dependent"}) {
        for (const std::vector<int64_t>& layers : std::vector<std::vector<int64_t>>{{}, {1}, {2, 0}}) {
          // per_sequence and authors: the two groupings of the uniform root.
          for (const std::string normalization : {"per_sequence", "authors"}) {
            const SasConfig config = sas_config(variant, directions, layers, normalization, p);
            auto reg = make_regularizer(config, 3);
            const torch::Tensor r = run(*reg, batch, probs);
            // random_arcs is the max loss over the pairs it drew (those are checked in test_random_arcs).
            const torch::Tensor arcs = variant == std::string("random_arcs") ? reg->arcs() : brute_force_arcs(batch.heads);
            SasConfig reference = config;
            if (variant == std::string("random_arcs")) reference.variant = "max";
            const double expected = brute_force_r(probs, arcs, batch.attention_mask, reference);
            SCOPED_TRACE(variant + " p=" + std::to_string(p) + " " + directions + " layers=" +
                         std::to_string(layers.size()) + " " + normalization);
            ASSERT_EQ(r.dim(), 0);
            EXPECT_EQ(r.scalar_type(), torch::kFloat64);
            EXPECT_NEAR(r.item<double>(), expected, 1e-12 * std::abs(expected));
            EXPECT_GT(expected, 0.0);
            EXPECT_EQ(reg->num_arcs(), arcs.size(0));
            ++checked;
          }
        }
      }
    }
  }
  EXPECT_EQ(checked, 5 * 3 * 3 * 2);
}

TEST(Regularizer, Float32AndBFloat16ProbabilitiesGiveAFloat32Result) {
  const auto batch = make_sas_batch({8, 11}, 11, 2);
  const auto probs64 = random_attention(batch.attention_mask, 2, 2, torch::kFloat64, 9);
  const double expected =
      brute_force_r(probs64, brute_force_arcs(batch.heads), batch.attention_mask, sas_config("max"));
  for (auto dtype : {torch::kFloat32, torch::kBFloat16}) {
    std::vector<torch::Tensor> probs;
    for (const auto& p : probs64) probs.push_back(p.to(dtype));
    auto reg = make_regularizer(sas_config("max"), 2);
    const torch::Tensor r = run(*reg, batch, probs);
    EXPECT_EQ(r.scalar_type(), torch::kFloat32);
    EXPECT_NEAR(r.item<double>(), expected, (dtype == torch::kBFloat16 ? 1e-2 : 1e-6) * expected);
  }
}

TEST(Regularizer, NoArcsGiveZeroAndStateResetsBetweenBatches) {
  auto reg = make_regularizer(sas_config("max"), 2);
  const auto empty = make_sas_batch({2, 2}, 4, 1);  // [CLS] [SEP] only: no pieces, no arcs
  const auto probs_empty = random_attention(empty.attention_mask, 2, 2, torch::kFloat32, 1);
  const torch::Tensor zero = run(*reg, empty, probs_empty);
  EXPECT_EQ(reg->num_arcs(), 0);
  EXPECT_EQ(zero.dim(), 0);
  EXPECT_EQ(zero.item<float>(), 0.0f);

  const auto batch = make_sas_batch({9, 6}, 9, 4);
  const auto probs = random_attention(batch.attention_mask, 2, 2, torch::kFloat64, 2);
  const double expected = brute_force_r(probs, brute_force_arcs(batch.heads), batch.attention_mask, sas_config("max"));
  EXPECT_NEAR(run(*reg, batch, probs).item<double>(), expected, 1e-12 * expected);
  EXPECT_NEAR(run(*reg, batch, probs).item<double>(), expected, 1e-12 * expected);  // same again: nothing carried
}

TEST(Regularizer, ReportsLayersAndDropoutChoice) {
  auto all = make_regularizer(sas_config("max"), 4);
  for (int64_t l = 0; l < 4; ++l) EXPECT_TRUE(all->wants_layer(l));
  EXPECT_FALSE(all->wants_layer(4));
  EXPECT_TRUE(all->post_dropout());

  SasConfig config = sas_config("uniform", "both", {3, 1});
  config.probabilities = "pre_dropout";
  auto some = make_regularizer(config, 4);
  EXPECT_FALSE(some->wants_layer(0));
  EXPECT_TRUE(some->wants_layer(1));
  EXPECT_FALSE(some->wants_layer(2));
  EXPECT_TRUE(some->wants_layer(3));
  EXPECT_FALSE(some->post_dropout());
}

TEST(Regularizer, ProtocolViolationsAreInternalErrors) {
  const auto batch = make_sas_batch({8, 6}, 8, 3);
  const auto probs = random_attention(batch.attention_mask, 3, 2, torch::kFloat32, 3);
  auto reg = make_regularizer(sas_config("max"), 3);
  EXPECT_THROW(reg->observe(0, probs[0]), InternalError);  // before begin
  EXPECT_THROW(reg->finish(), InternalError);

  reg->begin(batch.heads, batch.attention_mask, kKey);
  reg->observe(0, probs[0]);
  EXPECT_THROW(reg->observe(0, probs[0]), InternalError);                    // twice
  EXPECT_THROW(reg->observe(1, probs[1].narrow(3, 0, 7)), InternalError);   // wrong shape
  reg->observe(1, probs[1]);
  EXPECT_THROW(reg->finish(), InternalError);  // layer 2 never reported
  EXPECT_THROW(reg->finish(), InternalError);  // the failed finish() closed the batch
  EXPECT_NO_THROW(run(*reg, batch, probs));
  // A forward that threw between begin() and finish() leaves nothing behind: the next begin() starts afresh.
  reg->begin(batch.heads, batch.attention_mask, kKey);
  reg->observe(0, probs[0]);
  const double expected =
      test::brute_force_r(probs, brute_force_arcs(batch.heads), batch.attention_mask, sas_config("max"));
  EXPECT_NEAR(run(*reg, batch, probs).item<double>(), expected, 1e-5 * expected);
}

TEST(MakeRegularizer, BadOptionsAreUserErrorsNamingTheKey) {
  auto expect_user_error = [](const SasConfig& config, const std::string& key) {
    try {
      make_regularizer(config, 4);
      ADD_FAILURE() << "no error for " << key;
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  };
  expect_user_error(sas_config("maximum"), "sas.variant");
  expect_user_error(sas_config("max", "to_parent"), "sas.directions");
  expect_user_error(sas_config("max", "both", {}, "per_word"), "sas.normalization");
  expect_user_error(sas_config("max", "both", {4}), "sas.layers");
  expect_user_error(sas_config("max", "both", {-1}), "sas.layers");
  expect_user_error(sas_config("max", "both", {1, 1}), "sas.layers");
  expect_user_error(sas_config("uniform", "both", {}, "none", 0.5), "sas.p");
  expect_user_error(sas_config("uniform", "both", {}, "none", std::nan("")), "sas.p");
  SasConfig bad_probabilities = sas_config("max");
  bad_probabilities.probabilities = "after_dropout";
  expect_user_error(bad_probabilities, "sas.probabilities");
  EXPECT_NO_THROW(make_regularizer(sas_config("max", "both", {}, "none", 0.5), 4));  // p only matters for uniform
}

TEST(WantsAttention, OnlyNonzeroLambdaNeedsProbabilities) {
  EXPECT_FALSE(wants_attention(0.0));
  EXPECT_TRUE(wants_attention(1e-3));
  EXPECT_TRUE(wants_attention(-1e-3));
}

TEST(Regularizer, WorksOnCudaTensors) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  const auto batch = make_sas_batch({10, 7, 12}, 12, 8);
  const auto probs = random_attention(batch.attention_mask, 3, 4, torch::kFloat32, 8);
  std::vector<torch::Tensor> probs_cuda;
  for (const auto& p : probs) probs_cuda.push_back(p.cuda());
  const test::SasBatch batch_cuda{batch.heads.cuda(), batch.attention_mask.cuda()};
  for (const std::string variant : {"max", "uniform", "random_arcs"}) {
    auto cpu = make_regularizer(sas_config(variant), 3);
    auto gpu = make_regularizer(sas_config(variant), 3);
    const torch::Tensor expected = run(*cpu, batch, probs);
    const torch::Tensor r = run(*gpu, batch_cuda, probs_cuda);
    EXPECT_TRUE(r.is_cuda());
    EXPECT_TRUE(torch::equal(gpu->arcs().cpu(), cpu->arcs()));
    EXPECT_NEAR(r.item<double>(), expected.item<double>(), 1e-5 * expected.item<double>()) << variant;
  }
}

}  // namespace
}  // namespace sasmlm
