// Hugging Face BertForMaskedLM directories: config.json (BertConfig fields) + model.safetensors.
//
// Our parameter names are HF's, so export is a copy; the tied decoder is written as cls.predictions.decoder.weight
// (a copy of the word embeddings) and cls.predictions.decoder.bias (a copy of cls.predictions.bias), so the file
// also loads into a strict PyTorch load_state_dict. Import accepts what HF checkpoints commonly hold besides that:
// LayerNorm gamma/beta names, position_ids/token_type_ids buffers, the pooler and the NSP head (ignored).
#pragma once

#include "sasmlm/model/bert.h"
#include "sasmlm/model/bert_options.h"

#include <nlohmann/json.hpp>

#include <string>

namespace sasmlm {

constexpr const char* kHfConfigFile = "config.json";
constexpr const char* kHfWeightsFile = "model.safetensors";

// BertConfig JSON for `options` (model_type bert, hidden_act gelu, absolute positions, tied embeddings).
nlohmann::json hf_config_json(const BertOptions& options);

// BertOptions from a BertConfig JSON object; `where` names the file in errors. Refuses (UserError) configs this
// model cannot represent: model_type other than bert, hidden_act other than gelu, relative position embeddings,
// untied word embeddings.
BertOptions bert_options_from_hf_config(const nlohmann::json& config, const std::string& where);

// Writes out_dir/config.json and out_dir/model.safetensors (float32), creating out_dir; atomically. The tokenizer
// files are the caller's (train/hf_checkpoint.h writes both kinds).
void export_hf(const BertForMaskedLM& model, const std::string& out_dir);

// Reads dir/config.json and dir/model.safetensors into a new model (float32, CPU, training mode). Missing, extra
// unknown, misshapen or non-floating tensors throw UserError naming the file and tensor. Leaves torch's default
// random generator as it found it.
BertForMaskedLM import_hf(const std::string& dir);

}  // namespace sasmlm
