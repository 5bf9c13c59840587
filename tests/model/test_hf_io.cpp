#include "model_test_util.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/model/hf_io.h"
#include "sasmlm/model/safetensors.h"
#include "test_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace sasmlm {
namespace {

using test::mask_from_lengths;
using test::micro_options;
using test::random_ids;
using test::TempDir;

void expect_import_error(const std::string& dir, const std::string& needle) {
  try {
    import_hf(dir);
    FAIL() << "expected UserError mentioning " << needle;
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

// Rewrites dir/model.safetensors after `edit` changes its tensors.
template <class Edit>
void edit_weights(const std::filesystem::path& dir, Edit edit) {
  SafetensorsFile file = read_safetensors(dir / kHfWeightsFile);
  edit(file.tensors);
  std::vector<std::pair<std::string, torch::Tensor>> tensors(file.tensors.begin(), file.tensors.end());
  write_safetensors(dir / kHfWeightsFile, tensors, file.metadata);
}

TEST(HfIo, ExportWritesBertConfigAndAllTensors) {
  TempDir dir;
  torch::manual_seed(41);
  BertOptions o = micro_options();
  o.dropout = 0.05;
  BertForMaskedLM model(o);
  export_hf(model, (dir / "hf").string());

  const auto config = nlohmann::json::parse(read_file(dir / "hf" / "config.json"));
  EXPECT_EQ(config["model_type"], "bert");
  EXPECT_EQ(config["architectures"], nlohmann::json::array({"BertForMaskedLM"}));
  EXPECT_EQ(config["vocab_size"], 23);
  EXPECT_EQ(config["hidden_size"], 16);
  EXPECT_EQ(config["num_hidden_layers"], 2);
  EXPECT_EQ(config["num_attention_heads"], 2);
  EXPECT_EQ(config["intermediate_size"], 24);
  EXPECT_EQ(config["hidden_act"], "gelu");
  EXPECT_EQ(config["max_position_embeddings"], 16);
  EXPECT_EQ(config["type_vocab_size"], 2);
  EXPECT_DOUBLE_EQ(config["hidden_dropout_prob"].get<double>(), 0.05);
  EXPECT_DOUBLE_EQ(config["layer_norm_eps"].get<double>(), 1e-12);
  EXPECT_DOUBLE_EQ(config["initializer_range"].get<double>(), 0.02);

  const SafetensorsFile file = read_safetensors(dir / "hf" / kHfWeightsFile);
  EXPECT_EQ(file.metadata.at("format"), "pt");
  const auto params = model->named_parameters();
  EXPECT_EQ(file.tensors.size(), params.size() + 2);
  for (const auto& item : params) {
    ASSERT_EQ(file.tensors.count(item.key()), 1u) << item.key();
    EXPECT_EQ(file.tensors.at(item.key()).scalar_type(), torch::kFloat32);
    EXPECT_TRUE(torch::equal(file.tensors.at(item.key()), item.value())) << item.key();
  }
  EXPECT_TRUE(torch::equal(file.tensors.at("cls.predictions.decoder.weight"),
                           params["bert.embeddings.word_embeddings.weight"]));
  EXPECT_TRUE(torch::equal(file.tensors.at("cls.predictions.decoder.bias"), params["cls.predictions.bias"]));
  EXPECT_FALSE(std::filesystem::exists(dir / "hf" / "spiece.model"));  // tokenizer files are the caller's
}

TEST(HfIo, RoundTripKeepsWeightsAndOutputs) {
  TempDir dir;
  torch::manual_seed(42);
  BertForMaskedLM model(micro_options());
  {
    // Non-trivial LayerNorm and bias values, so a swapped or skipped tensor would show.
    torch::NoGradGuard no_grad;
    for (auto& p : model->parameters()) p.add_(torch::randn_like(p) * 0.1);
  }
  export_hf(model, dir.path().string());
  torch::manual_seed(5);
  const auto expected_draw = torch::rand({3});
  torch::manual_seed(5);
  BertForMaskedLM loaded = import_hf(dir.path().string());
  EXPECT_TRUE(torch::equal(torch::rand({3}), expected_draw)) << "import must not consume the caller's RNG";

  EXPECT_EQ(loaded->options().hidden, 16);
  EXPECT_EQ(loaded->options().max_position, 16);
  const auto a = model->named_parameters();
  const auto b = loaded->named_parameters();
  ASSERT_EQ(a.size(), b.size());
  for (const auto& item : a) EXPECT_TRUE(torch::equal(item.value(), b[item.key()])) << item.key();

  model->eval();
  loaded->eval();
  const auto mask = mask_from_lengths({6, 4}, 6);
  const auto ids = random_ids(mask, 23);
  const auto positions = torch::tensor({1, 7}, torch::kInt64);
  EXPECT_TRUE(torch::equal(model->mlm_logits(model->encode(ids, mask), positions),
                           loaded->mlm_logits(loaded->encode(ids, mask), positions)));
}

TEST(HfIo, ImportAcceptsCommonHuggingFaceVariants) {
  TempDir dir;
  torch::manual_seed(43);
  BertForMaskedLM model(micro_options());
  export_hf(model, dir.path().string());
  const auto params = model->named_parameters();
  edit_weights(dir.path(), [&](std::map<std::string, torch::Tensor>& t) {
    // Old TF-converted names, half precision, buffers and heads BertForMaskedLM does not have.
    t["bert.embeddings.LayerNorm.gamma"] = t.at("bert.embeddings.LayerNorm.weight");
    t["bert.embeddings.LayerNorm.beta"] = t.at("bert.embeddings.LayerNorm.bias");
    t.erase("bert.embeddings.LayerNorm.weight");
    t.erase("bert.embeddings.LayerNorm.bias");
    t.erase("cls.predictions.bias");  // only the decoder's alias remains
    const std::string half = "bert.encoder.layer.0.intermediate.dense.bias";
    t[half] = t.at(half).to(torch::kFloat16);
    t["bert.embeddings.position_ids"] = torch::arange(16, torch::kInt64).unsqueeze(0);
    t["bert.pooler.dense.weight"] = torch::zeros({16, 16});
    t["cls.seq_relationship.bias"] = torch::zeros({2});
  });
  const BertForMaskedLM loaded = import_hf(dir.path().string());
  const auto b = loaded->named_parameters();
  EXPECT_TRUE(torch::equal(b["bert.embeddings.LayerNorm.weight"], params["bert.embeddings.LayerNorm.weight"]));
  EXPECT_TRUE(torch::equal(b["cls.predictions.bias"], params["cls.predictions.bias"]));
  EXPECT_TRUE(torch::allclose(b["bert.encoder.layer.0.intermediate.dense.bias"],
                              params["bert.encoder.layer.0.intermediate.dense.bias"], 0, 1e-3));
}

TEST(HfIo, ImportRejectsWhatItCannotRepresent) {
  TempDir dir;
  BertForMaskedLM model(micro_options());
  const auto root = dir / "m";
  auto fresh = [&]() {
    std::filesystem::remove_all(root);
    export_hf(model, root.string());
  };
  auto edit_config = [&](const std::function<void(nlohmann::json&)>& edit) {
    auto config = nlohmann::json::parse(read_file(root / "config.json"));
    edit(config);
    write_file_atomic(root / "config.json", config.dump());
  };

  expect_import_error((dir / "nowhere").string(), "config.json");

  fresh();
  edit_config([](nlohmann::json& c) { c["hidden_act"] = "gelu_new"; });
  expect_import_error(root.string(), "hidden_act");

  fresh();
  edit_config([](nlohmann::json& c) { c["model_type"] = "roberta"; });
  expect_import_error(root.string(), "model_type");

  fresh();
  edit_config([](nlohmann::json& c) { c.erase("hidden_size"); });
  expect_import_error(root.string(), "hidden_size");

  fresh();
  edit_config([](nlohmann::json& c) { c["num_attention_heads"] = 3; });
  expect_import_error(root.string(), "divisible");

  fresh();
  edit_config([](nlohmann::json& c) { c["intermediate_size"] = 32; });
  expect_import_error(root.string(), "expected [32, 16]");

  fresh();
  write_file_atomic(root / "config.json", "{oops");
  expect_import_error(root.string(), "not valid JSON");

  fresh();
  std::filesystem::remove(root / kHfWeightsFile);
  expect_import_error(root.string(), "model.safetensors");

  fresh();
  edit_weights(root, [](auto& t) { t.erase("bert.encoder.layer.1.output.dense.weight"); });
  expect_import_error(root.string(), "missing tensor 'bert.encoder.layer.1.output.dense.weight'");

  fresh();
  edit_weights(root, [](auto& t) { t["bert.encoder.layer.2.output.dense.weight"] = torch::zeros({2}); });
  expect_import_error(root.string(), "unexpected tensor 'bert.encoder.layer.2.output.dense.weight'");

  fresh();
  edit_weights(root, [](auto& t) { t["cls.predictions.decoder.weight"] = t.at("cls.predictions.decoder.weight") + 1; });
  expect_import_error(root.string(), "tied");

  fresh();
  edit_weights(root, [](auto& t) { t["cls.predictions.bias"] = torch::zeros({23}, torch::kInt32); });
  expect_import_error(root.string(), "floating");
}

}  // namespace
}  // namespace sasmlm
