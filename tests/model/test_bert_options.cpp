#include "sasmlm/core/error.h"
#include "sasmlm/model/bert_options.h"

#include <gtest/gtest.h>

#include <string>

namespace sasmlm {
namespace {

// Expects bert_options_from to throw a UserError whose message contains `needle`.
void expect_user_error(const ModelConfig& config, int64_t vocab, const std::string& needle) {
  try {
    bert_options_from(config, vocab);
    FAIL() << "expected UserError mentioning " << needle;
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(BertOptions, BasePresetMatchesBertBase) {
  ModelConfig config;
  config.preset = "base";
  const BertOptions o = bert_options_from(config, 30522);
  EXPECT_EQ(o.vocab_size, 30522);
  EXPECT_EQ(o.layers, 12);
  EXPECT_EQ(o.hidden, 768);
  EXPECT_EQ(o.heads, 12);
  EXPECT_EQ(o.intermediate, 3072);
  EXPECT_EQ(o.max_position, 512);
  EXPECT_EQ(o.type_vocab, 2);
  EXPECT_DOUBLE_EQ(o.dropout, 0.1);
  EXPECT_DOUBLE_EQ(o.attention_dropout, 0.1);
  EXPECT_DOUBLE_EQ(o.layer_norm_eps, 1e-12);
  EXPECT_DOUBLE_EQ(o.init_std, 0.02);
}

TEST(BertOptions, EveryPresetDerivesHeadsAndFfn) {
  const std::vector<std::tuple<std::string, int64_t, int64_t>> expected = {
      {"tiny", 2, 128},   {"mini", 4, 256},  {"small", 4, 512},
      {"medium", 8, 512}, {"base", 12, 768}, {"large", 24, 1024}};
  ASSERT_EQ(bert_presets().size(), expected.size());
  for (const auto& [name, layers, hidden] : expected) {
    ModelConfig config;
    config.preset = name;
    const BertOptions o = bert_options_from(config, 100);
    EXPECT_EQ(o.layers, layers) << name;
    EXPECT_EQ(o.hidden, hidden) << name;
    EXPECT_EQ(o.heads, hidden / 64) << name;
    EXPECT_EQ(o.intermediate, 4 * hidden) << name;
  }
}

TEST(BertOptions, OverridesWinOverPreset) {
  ModelConfig config;
  config.preset = "small";
  config.layers = 3;
  config.hidden = 192;
  config.intermediate = 100;
  config.max_position = 64;
  config.dropout = 0.0;
  BertOptions o = bert_options_from(config, 50);
  EXPECT_EQ(o.layers, 3);
  EXPECT_EQ(o.hidden, 192);
  EXPECT_EQ(o.heads, 3);  // 192 / 64
  EXPECT_EQ(o.intermediate, 100);
  EXPECT_EQ(o.max_position, 64);
  EXPECT_DOUBLE_EQ(o.dropout, 0.0);

  config.heads = 4;
  o = bert_options_from(config, 50);
  EXPECT_EQ(o.heads, 4);
  EXPECT_EQ(o.head_dim(), 48);
}

TEST(BertOptions, RejectsBadValues) {
  ModelConfig config;
  config.preset = "huge";
  expect_user_error(config, 100, "model.preset");
  expect_user_error(config, 100, "tiny | mini | small | medium | base | large");

  config = ModelConfig();
  expect_user_error(config, 0, "vocabulary size");

  config = ModelConfig();
  config.hidden = 100;  // not a multiple of 64 and no explicit heads
  expect_user_error(config, 100, "model.heads");

  config = ModelConfig();
  config.heads = 3;  // 128 not divisible by 3
  expect_user_error(config, 100, "divisible");

  config = ModelConfig();
  config.layers = -1;
  expect_user_error(config, 100, "model.layers");

  config = ModelConfig();
  config.max_position = 0;
  expect_user_error(config, 100, "model.max_position");

  config = ModelConfig();
  config.attention_dropout = 1.0;
  expect_user_error(config, 100, "model.attention_dropout");

  config = ModelConfig();
  config.dropout = -0.1;
  expect_user_error(config, 100, "model.dropout");

  config = ModelConfig();
  config.layer_norm_eps = 0.0;
  expect_user_error(config, 100, "model.layer_norm_eps");

  config = ModelConfig();
  config.init_std = -1.0;
  expect_user_error(config, 100, "model.init_std");
}

}  // namespace
}  // namespace sasmlm
