// BERT architecture hyper-parameters and the named size presets.
//
// ModelConfig (YAML) is resolved into BertOptions once: the preset fills every size the user left at 0, and the
// result is validated here so the modules can trust it.
#pragma once

#include "sasmlm/config/config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace sasmlm {

struct BertOptions {
  int64_t vocab_size = 0;       // rows of the word embedding (= columns of the tied MLM decoder)
  int64_t layers = 2;           // transformer layers
  int64_t hidden = 128;         // model width
  int64_t heads = 2;            // attention heads; hidden must be divisible by heads
  int64_t intermediate = 512;   // FFN inner width
  int64_t max_position = 512;   // learned position embeddings
  int64_t type_vocab = 2;       // token-type (segment) embeddings
  double dropout = 0.1;         // hidden dropout (embeddings, attention output, FFN output)
  double attention_dropout = 0.1;  // dropout on attention probabilities
  double layer_norm_eps = 1e-12;   // every LayerNorm's epsilon
  double init_std = 0.02;          // N(0, init_std) for Linear and Embedding weights
  bool unpad = true;               // execution, not shape (not saved): row-wise layers on real tokens only

  int64_t head_dim() const { return hidden / heads; }
};

// A named size: layers and hidden width (heads = hidden / 64 and FFN = 4 * hidden unless overridden).
struct BertPreset {
  const char* name;
  int64_t layers;
  int64_t hidden;
};

// tiny (L2/H128), mini (L4/H256), small (L4/H512), medium (L8/H512), base (L12/H768), large (L24/H1024).
const std::vector<BertPreset>& bert_presets();

// Preset + overrides (ModelConfig fields equal to 0 come from the preset) + validation. Throws UserError naming
// the `model.*` key on an unknown preset, a non-positive size, hidden not divisible by heads, a dropout outside
// [0, 1), or a non-positive epsilon / init_std / vocab_size.
BertOptions bert_options_from(const ModelConfig& config, int64_t vocab_size);

// Throws UserError when `options` is inconsistent (the checks of bert_options_from, also used by import_hf);
// `where` prefixes the message (e.g. "model" or "config.json").
void validate_bert_options(const BertOptions& options, const std::string& where);

}  // namespace sasmlm
