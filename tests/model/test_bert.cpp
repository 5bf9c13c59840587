#include "model_test_util.h"
#include "sasmlm/core/error.h"
#include "sasmlm/model/bert.h"

#include <gtest/gtest.h>

#include <ATen/autocast_mode.h>

#include <string>
#include <utility>
#include <vector>

namespace sasmlm {
namespace {

using test::mask_from_lengths;
using test::max_abs_diff;
using test::micro_options;
using test::random_ids;

BertOptions preset_options(const std::string& preset, int64_t vocab) {
  ModelConfig config;
  config.preset = preset;
  return bert_options_from(config, vocab);
}

// Parameter count of HF BertForMaskedLM, written from the architecture description (not from our modules).
int64_t expected_parameter_count(const BertOptions& o) {
  const int64_t h = o.hidden;
  const int64_t ffn = o.intermediate;
  const int64_t layer_norm = 2 * h;
  const int64_t embeddings = (o.vocab_size + o.max_position + o.type_vocab) * h + layer_norm;
  const int64_t attention = 4 * (h * h + h) + layer_norm;     // q, k, v, output dense; LayerNorm
  const int64_t ffn_params = (h * ffn + ffn) + (ffn * h + h) + layer_norm;
  const int64_t head = (h * h + h) + layer_norm + o.vocab_size;  // transform dense, LayerNorm, output bias
  return embeddings + o.layers * (attention + ffn_params) + head;
}

TEST(BertForMaskedLM, TinyParameterNamesAndShapesMatchHuggingFace) {
  const BertOptions o = preset_options("tiny", 100);
  BertForMaskedLM model(o);
  std::vector<std::pair<std::string, std::vector<int64_t>>> expected = {
      {"bert.embeddings.word_embeddings.weight", {100, 128}},
      {"bert.embeddings.position_embeddings.weight", {512, 128}},
      {"bert.embeddings.token_type_embeddings.weight", {2, 128}},
      {"bert.embeddings.LayerNorm.weight", {128}},
      {"bert.embeddings.LayerNorm.bias", {128}},
  };
  for (int l = 0; l < 2; ++l) {
    const std::string p = "bert.encoder.layer." + std::to_string(l) + ".";
    for (const char* proj : {"query", "key", "value"}) {
      expected.push_back({p + "attention.self." + proj + ".weight", {128, 128}});
      expected.push_back({p + "attention.self." + proj + ".bias", {128}});
    }
    expected.push_back({p + "attention.output.dense.weight", {128, 128}});
    expected.push_back({p + "attention.output.dense.bias", {128}});
    expected.push_back({p + "attention.output.LayerNorm.weight", {128}});
    expected.push_back({p + "attention.output.LayerNorm.bias", {128}});
    expected.push_back({p + "intermediate.dense.weight", {512, 128}});
    expected.push_back({p + "intermediate.dense.bias", {512}});
    expected.push_back({p + "output.dense.weight", {128, 512}});
    expected.push_back({p + "output.dense.bias", {128}});
    expected.push_back({p + "output.LayerNorm.weight", {128}});
    expected.push_back({p + "output.LayerNorm.bias", {128}});
  }
  expected.push_back({"cls.predictions.transform.dense.weight", {128, 128}});
  expected.push_back({"cls.predictions.transform.dense.bias", {128}});
  expected.push_back({"cls.predictions.transform.LayerNorm.weight", {128}});
  expected.push_back({"cls.predictions.transform.LayerNorm.bias", {128}});
  expected.push_back({"cls.predictions.bias", {100}});

  const auto params = model->named_parameters(/*recurse=*/true);
  ASSERT_EQ(params.size(), expected.size());
  for (const auto& [name, shape] : expected) {
    const torch::Tensor* p = params.find(name);
    ASSERT_NE(p, nullptr) << "missing parameter " << name;
    EXPECT_EQ(p->sizes().vec(), shape) << name;
  }
  EXPECT_EQ(model->named_buffers().size(), 0u);
}

TEST(BertForMaskedLM, ParameterCountsOfAllPresets) {
  // vocab 30522 for base (the HF reference count); a small vocabulary elsewhere keeps the test light.
  for (const BertPreset& preset : bert_presets()) {
    const std::string name = preset.name;
    if (name == "large") continue;  // 335M parameters: too heavy for a unit test; its formula is the same
    const int64_t vocab = name == "base" ? 30522 : 8000;
    BertForMaskedLM model(preset_options(name, vocab));
    const int64_t count = count_parameters(*model);
    std::cout << "[ params   ] " << name << " (vocab " << vocab << "): " << count << "\n";
    EXPECT_EQ(count, expected_parameter_count(model->options())) << name;
  }
  // HF's BertForMaskedLM (bert-base-uncased) reports 109,514,298 trainable parameters.
  EXPECT_EQ(expected_parameter_count(preset_options("base", 30522)), 109514298);
}

TEST(BertForMaskedLM, InitialisationFollowsHuggingFace) {
  torch::manual_seed(7);
  BertForMaskedLM model(preset_options("mini", 1000));
  const auto params = model->named_parameters();
  const torch::Tensor& words = params["bert.embeddings.word_embeddings.weight"];
  EXPECT_NEAR(words.mean().item<double>(), 0.0, 1e-3);
  EXPECT_NEAR(words.std().item<double>(), 0.02, 5e-4);
  const torch::Tensor& query = params["bert.encoder.layer.3.attention.self.query.weight"];
  EXPECT_NEAR(query.std().item<double>(), 0.02, 5e-4);
  EXPECT_TRUE(torch::equal(params["bert.encoder.layer.3.attention.self.query.bias"], torch::zeros({256})));
  EXPECT_TRUE(torch::equal(params["bert.encoder.layer.0.output.LayerNorm.weight"], torch::ones({256})));
  EXPECT_TRUE(torch::equal(params["bert.encoder.layer.0.output.LayerNorm.bias"], torch::zeros({256})));
  EXPECT_TRUE(torch::equal(params["cls.predictions.bias"], torch::zeros({1000})));
  EXPECT_DOUBLE_EQ(model->bert->embeddings->LayerNorm->options.eps(), 1e-12);

  // Same seed, same weights.
  torch::manual_seed(7);
  BertForMaskedLM again(preset_options("mini", 1000));
  EXPECT_TRUE(torch::equal(again->named_parameters()["bert.encoder.layer.3.attention.self.query.weight"], query));
}

TEST(BertForMaskedLM, MlmLogitsGatherTheRequestedRows) {
  torch::manual_seed(1);
  BertForMaskedLM model(micro_options());
  model->eval();
  const auto mask = mask_from_lengths({7, 5, 3}, 7);
  const auto ids = random_ids(mask, 23);
  const torch::Tensor hidden = model->encode(ids, mask);  // (3, 7, 16)
  ASSERT_EQ(hidden.sizes().vec(), (std::vector<int64_t>{3, 7, 16}));

  const torch::Tensor positions = torch::tensor({0, 6, 8, 11, 14, 8}, torch::kInt64);  // repeats allowed
  const torch::Tensor logits = model->mlm_logits(hidden, positions);                  // (6, V)
  ASSERT_EQ(logits.sizes().vec(), (std::vector<int64_t>{6, 23}));

  // Reference: project every position with the tied decoder, then pick rows.
  const auto all = hidden.reshape({21, 16});
  auto head = model->cls->predictions;
  const auto full = torch::matmul(head->transform(all), model->bert->embeddings->word_embeddings->weight.t()) +
                    head->bias;  // (21, V)
  EXPECT_LT(max_abs_diff(logits, full.index_select(0, positions)), 1e-5);
  EXPECT_LT(max_abs_diff(logits[2], full[1 * 7 + 1]), 1e-5);
}

TEST(BertForMaskedLM, DecoderIsTiedToWordEmbeddings) {
  torch::manual_seed(2);
  BertForMaskedLM model(micro_options());
  const auto mask = mask_from_lengths({4}, 4);
  const auto ids = torch::tensor({{1, 2, 3, 4}}, torch::kInt64);
  const auto positions = torch::tensor({1}, torch::kInt64);
  // Token 20 never appears in the input: its embedding row gets gradient only through the decoder.
  const auto logits = model->mlm_logits(model->encode(ids, mask), positions);
  logits[0][20].backward();
  const auto grad = model->bert->embeddings->word_embeddings->weight.grad();
  EXPECT_GT(grad[20].abs().sum().item<double>(), 0.0);
  EXPECT_EQ(grad[21].abs().sum().item<double>(), 0.0);  // neither in input nor differentiated
}

TEST(BertForMaskedLM, PaddingDoesNotChangeRealPositions) {
  torch::manual_seed(3);
  BertForMaskedLM model(micro_options());
  model->eval();
  const auto ids = torch::tensor({{5, 6, 7, 8, 9}}, torch::kInt64);
  const auto alone = model->encode(ids, torch::ones({1, 5}, torch::kBool));  // (1, 5, H)
  const auto padded_ids = torch::tensor({{5, 6, 7, 8, 9, 0, 0, 0}}, torch::kInt64);
  const auto padded_mask = mask_from_lengths({5}, 8);
  for (bool probability_path : {false, true}) {
    test::RecordingObserver observer({0, 1}, false);
    const auto padded = model->encode(padded_ids, padded_mask, probability_path ? &observer : nullptr);
    EXPECT_LT(max_abs_diff(padded.narrow(1, 0, 5), alone), 1e-5) << "probability path " << probability_path;
  }
}

TEST(BertForMaskedLM, RejectsSequencesLongerThanPositions) {
  BertForMaskedLM model(micro_options());  // max_position 16
  const auto mask = torch::ones({1, 17}, torch::kBool);
  EXPECT_THROW(model->encode(torch::ones({1, 17}, torch::kInt64), mask), UserError);
}

TEST(BertForMaskedLM, RunsUnderBf16AutocastOnCpu) {
  // The trainer wraps the step in autocast on CUDA; CPU autocast exercises the same mixed-dtype code paths.
  torch::manual_seed(4);
  BertForMaskedLM model(micro_options());
  model->eval();
  const auto mask = mask_from_lengths({6, 3}, 6);
  const auto ids = random_ids(mask, 23);
  const auto positions = torch::tensor({1, 2, 7}, torch::kInt64);
  const auto reference = model->mlm_logits(model->encode(ids, mask), positions);
  for (bool probability_path : {false, true}) {
    test::RecordingObserver observer({0, 1}, true);
    at::autocast::set_autocast_dtype(at::kCPU, at::kBFloat16);
    at::autocast::set_autocast_enabled(at::kCPU, true);
    const auto hidden = model->encode(ids, mask, probability_path ? &observer : nullptr);
    const auto logits = model->mlm_logits(hidden, positions);
    at::autocast::set_autocast_enabled(at::kCPU, false);
    at::autocast::clear_cache();
    EXPECT_EQ(logits.scalar_type(), torch::kBFloat16);
    EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
    EXPECT_LT(max_abs_diff(logits.to(torch::kFloat32), reference), 0.1) << "probability path " << probability_path;
    if (probability_path) {
      // Padded keys stay exactly 0 in reduced precision too.
      EXPECT_EQ(observer.seen.at(0)[1].narrow(-1, 3, 3).abs().max().item<double>(), 0.0);
    }
  }
}

}  // namespace
}  // namespace sasmlm
