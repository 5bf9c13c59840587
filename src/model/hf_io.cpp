#include "sasmlm/model/hf_io.h"

#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/model/safetensors.h"

#include <ATen/CPUGeneratorImpl.h>

#include <filesystem>

namespace sasmlm {

namespace {

namespace fs = std::filesystem;

constexpr const char* kDecoderWeight = "cls.predictions.decoder.weight";
constexpr const char* kDecoderBias = "cls.predictions.decoder.bias";
constexpr const char* kWordEmbeddings = "bert.embeddings.word_embeddings.weight";
constexpr const char* kOutputBias = "cls.predictions.bias";

// Reads a required positive integer field.
int64_t required_int(const nlohmann::json& config, const char* key, const std::string& where) {
  if (!config.contains(key)) throw UserError(cat(where, ": missing required key '", key, "'"));
  const auto& v = config[key];
  if (!v.is_number_integer()) throw UserError(cat(where, ": '", key, "' must be an integer, found ", v.dump()));
  return v.get<int64_t>();
}

template <class T>
T optional_number(const nlohmann::json& config, const char* key, T fallback, const std::string& where) {
  if (!config.contains(key) || config[key].is_null()) return fallback;
  const auto& v = config[key];
  if (!v.is_number() || (std::is_integral_v<T> && !v.is_number_integer())) {
    throw UserError(cat(where, ": '", key, "' must be a number, found ", v.dump()));
  }
  return v.get<T>();
}

// Requires `key`, when present, to hold one of `allowed` (strings) so unsupported architectures are refused.
void require_string(const nlohmann::json& config, const char* key, const std::string& allowed,
                    const std::string& where) {
  if (!config.contains(key)) return;
  const auto& v = config[key];
  if (!v.is_string() || v.get<std::string>() != allowed) {
    throw UserError(cat(where, ": '", key, "' must be \"", allowed, "\" for a sasmlm BERT, found ", v.dump()));
  }
}

// HF checkpoint names that are not parameters of BertForMaskedLM, or older spellings of ours.
std::string canonical_name(const std::string& name) {
  auto replace_suffix = [&](const std::string& from, const std::string& to) -> std::string {
    const std::string suffix = "LayerNorm." + from;
    if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return name.substr(0, name.size() - from.size()) + to;
    }
    return "";
  };
  if (auto renamed = replace_suffix("gamma", "weight"); !renamed.empty()) return renamed;
  if (auto renamed = replace_suffix("beta", "bias"); !renamed.empty()) return renamed;
  return name;
}

bool ignorable(const std::string& name) {
  return name == "bert.embeddings.position_ids" || name == "bert.embeddings.token_type_ids" ||
         name.rfind("bert.pooler.", 0) == 0 || name.rfind("cls.seq_relationship.", 0) == 0;
}

}  // namespace

nlohmann::json hf_config_json(const BertOptions& o) {
  return {
      {"architectures", {"BertForMaskedLM"}},
      {"model_type", "bert"},
      {"vocab_size", o.vocab_size},
      {"hidden_size", o.hidden},
      {"num_hidden_layers", o.layers},
      {"num_attention_heads", o.heads},
      {"intermediate_size", o.intermediate},
      {"hidden_act", "gelu"},
      {"hidden_dropout_prob", o.dropout},
      {"attention_probs_dropout_prob", o.attention_dropout},
      {"max_position_embeddings", o.max_position},
      {"type_vocab_size", o.type_vocab},
      {"initializer_range", o.init_std},
      {"layer_norm_eps", o.layer_norm_eps},
      {"pad_token_id", 0},  // sasmlm's [PAD] id (data/tokenizer.h), also BertConfig's default
      {"position_embedding_type", "absolute"},
      {"tie_word_embeddings", true},
      {"torch_dtype", "float32"},
  };
}

BertOptions bert_options_from_hf_config(const nlohmann::json& config, const std::string& where) {
  if (!config.is_object()) throw UserError(cat(where, ": expected a JSON object (a BertConfig)"));
  require_string(config, "model_type", "bert", where);
  require_string(config, "hidden_act", "gelu", where);
  require_string(config, "position_embedding_type", "absolute", where);
  if (config.contains("tie_word_embeddings") && config["tie_word_embeddings"] != true) {
    throw UserError(cat(where, ": 'tie_word_embeddings' must be true (the MLM decoder is the word embedding matrix)"));
  }
  BertOptions o;
  o.vocab_size = required_int(config, "vocab_size", where);
  o.hidden = required_int(config, "hidden_size", where);
  o.layers = required_int(config, "num_hidden_layers", where);
  o.heads = required_int(config, "num_attention_heads", where);
  o.intermediate = required_int(config, "intermediate_size", where);
  // Defaults are BertConfig's.
  o.max_position = optional_number<int64_t>(config, "max_position_embeddings", 512, where);
  o.type_vocab = optional_number<int64_t>(config, "type_vocab_size", 2, where);
  o.dropout = optional_number<double>(config, "hidden_dropout_prob", 0.1, where);
  o.attention_dropout = optional_number<double>(config, "attention_probs_dropout_prob", 0.1, where);
  o.layer_norm_eps = optional_number<double>(config, "layer_norm_eps", 1e-12, where);
  o.init_std = optional_number<double>(config, "initializer_range", 0.02, where);
  validate_bert_options(o, where);
  return o;
}

void export_hf(const BertForMaskedLM& model, const std::string& out_dir) {
  const fs::path dir(out_dir);
  ensure_directory(dir);

  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  torch::Tensor word_embeddings;
  torch::Tensor output_bias;
  for (const auto& item : model->named_parameters(/*recurse=*/true)) {
    const torch::Tensor value = item.value().detach().to(torch::kCPU, torch::kFloat32);
    tensors.emplace_back(item.key(), value);
    if (item.key() == kWordEmbeddings) word_embeddings = value;
    if (item.key() == kOutputBias) output_bias = value;
  }
  SASMLM_CHECK(word_embeddings.defined() && output_bias.defined(), "model lacks the tied decoder's tensors");
  tensors.emplace_back(kDecoderWeight, word_embeddings);
  tensors.emplace_back(kDecoderBias, output_bias);
  write_safetensors(dir / kHfWeightsFile, tensors, {{"format", "pt"}});
  write_file_atomic(dir / kHfConfigFile, hf_config_json(model->options()).dump(2) + "\n");

}

BertForMaskedLM import_hf(const std::string& dir) {
  const fs::path config_path = fs::path(dir) / kHfConfigFile;
  const fs::path weights_path = fs::path(dir) / kHfWeightsFile;
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(read_file(config_path, "Hugging Face config"));
  } catch (const nlohmann::json::parse_error& e) {
    throw UserError(cat(config_path.string(), ": not valid JSON: ", e.what()));
  }
  const BertOptions options = bert_options_from_hf_config(config, config_path.string());
  if (!fs::exists(weights_path)) {
    throw UserError(cat(weights_path.string(), ": not found; hint: only model.safetensors is read (convert a "
                        "pytorch_model.bin with the safetensors package first)"));
  }
  SafetensorsFile file = read_safetensors(weights_path);
  const std::string where = weights_path.string();

  std::map<std::string, torch::Tensor> stored;
  for (auto& [name, tensor] : file.tensors) {
    if (ignorable(name)) continue;
    const std::string canonical = canonical_name(name);
    if (!stored.emplace(canonical, tensor).second) {
      throw UserError(cat(where, ": tensor '", name, "' duplicates '", canonical, "'"));
    }
  }
  // HF ties the output bias to the decoder's: either name may carry it.
  if (stored.count(kOutputBias) == 0 && stored.count(kDecoderBias) != 0) stored[kOutputBias] = stored[kDecoderBias];

  // Build with the caller's random stream untouched: the initial values are overwritten anyway.
  auto generator = at::detail::getDefaultCPUGenerator();
  const auto saved_state = generator.get_state();
  BertForMaskedLM model(options);
  generator.set_state(saved_state);

  torch::NoGradGuard no_grad;
  auto params = model->named_parameters(/*recurse=*/true);
  for (auto& item : params) {
    const auto found = stored.find(item.key());
    if (found == stored.end()) throw UserError(cat(where, ": missing tensor '", item.key(), "'"));
    const torch::Tensor& value = found->second;
    if (!torch::isFloatingType(value.scalar_type())) {
      throw UserError(cat(where, ": tensor '", item.key(), "' has dtype ", c10::toString(value.scalar_type()),
                          ", expected a floating type"));
    }
    if (value.sizes() != item.value().sizes()) {
      throw UserError(cat(where, ": tensor '", item.key(), "' has shape ", value.sizes(), ", expected ",
                          item.value().sizes(), " from ", config_path.string()));
    }
    item.value().copy_(value);
  }
  for (const char* alias : {kDecoderWeight, kDecoderBias}) {
    const auto found = stored.find(alias);
    if (found == stored.end()) continue;
    const char* tied = alias == std::string(kDecoderWeight) ? kWordEmbeddings : kOutputBias;
    if (!torch::equal(found->second.to(torch::kFloat32), params[tied])) {
      throw UserError(cat(where, ": '", alias, "' differs from '", tied,
                          "'; sasmlm's decoder is tied and cannot hold separate weights"));
    }
  }
  for (const auto& [name, tensor] : stored) {
    if (params.find(name) == nullptr && name != kDecoderWeight && name != kDecoderBias) {
      throw UserError(cat(where, ": unexpected tensor '", name, "' (not part of BertForMaskedLM)"));
    }
  }
  return model;
}

}  // namespace sasmlm
