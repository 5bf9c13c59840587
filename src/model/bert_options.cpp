#include "sasmlm/model/bert_options.h"

#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/core/size_limits.h"

namespace sasmlm {

namespace {

constexpr int64_t kHeadWidth = 64;     // BERT's per-head width, used to derive the head count
constexpr int64_t kFfnMultiplier = 4;  // BERT's FFN width relative to hidden

void require_positive(int64_t value, const std::string& key) {
  if (value <= 0) throw UserError(cat(key, ": expected a positive integer, found ", value));
}

void require_probability(double value, const std::string& key) {
  if (!(value >= 0.0 && value < 1.0)) throw UserError(cat(key, ": expected a dropout rate in [0, 1), found ", value));
}

}  // namespace

const std::vector<BertPreset>& bert_presets() {
  static const std::vector<BertPreset> presets = {
      {"tiny", 2, 128},  {"mini", 4, 256},  {"small", 4, 512},
      {"medium", 8, 512}, {"base", 12, 768}, {"large", 24, 1024},
  };
  return presets;
}

void validate_bert_options(const BertOptions& o, const std::string& where) {
  require_positive(o.vocab_size, where + ".vocab_size");
  require_positive(o.layers, where + ".layers");
  require_positive(o.hidden, where + ".hidden");
  require_positive(o.heads, where + ".heads");
  require_positive(o.intermediate, where + ".intermediate");
  require_positive(o.max_position, where + ".max_position");
  require_positive(o.type_vocab, where + ".type_vocab");
  // Bounded before anything is allocated (the same table bounds config keys and HF config fields).
  check_at_most(where + ".vocab_size", o.vocab_size, kMaxVocab);
  check_at_most(where + ".layers", o.layers, kMaxLayers);
  check_at_most(where + ".hidden", o.hidden, kMaxHidden);
  check_at_most(where + ".heads", o.heads, kMaxHeads);
  check_at_most(where + ".intermediate", o.intermediate, kMaxIntermediate);
  check_at_most(where + ".max_position", o.max_position, kMaxPositions);
  check_at_most(where + ".type_vocab", o.type_vocab, kMaxTypeVocab);
  if (o.hidden % o.heads != 0) {
    throw UserError(cat(where, ".heads: hidden (", o.hidden, ") must be divisible by heads, found heads = ", o.heads,
                        "; hint: set ", where, ".heads to a divisor of ", o.hidden));
  }
  require_probability(o.dropout, where + ".dropout");
  require_probability(o.attention_dropout, where + ".attention_dropout");
  if (!(o.layer_norm_eps > 0.0)) {
    throw UserError(cat(where, ".layer_norm_eps: expected a positive number, found ", o.layer_norm_eps));
  }
  if (!(o.init_std > 0.0)) throw UserError(cat(where, ".init_std: expected a positive number, found ", o.init_std));
}

BertOptions bert_options_from(const ModelConfig& config, int64_t vocab_size) {
  const BertPreset* preset = nullptr;
  std::string names;
  for (const BertPreset& p : bert_presets()) {
    if (config.preset == p.name) preset = &p;
    names += names.empty() ? p.name : cat(" | ", p.name);
  }
  if (preset == nullptr) throw UserError(cat("model.preset: expected one of ", names, ", found '", config.preset, "'"));
  for (const auto& [value, key] : {std::pair{config.layers, "model.layers"}, std::pair{config.hidden, "model.hidden"},
                                   std::pair{config.heads, "model.heads"},
                                   std::pair{config.intermediate, "model.intermediate"}}) {
    if (value < 0) throw UserError(cat(key, ": expected a positive integer or 0 (= from preset), found ", value));
  }

  if (vocab_size <= 0) {
    throw UserError(cat("vocabulary size (from the tokenizer): expected a positive integer, found ", vocab_size));
  }
  BertOptions o;
  o.vocab_size = vocab_size;
  o.layers = config.layers > 0 ? config.layers : preset->layers;
  o.hidden = config.hidden > 0 ? config.hidden : preset->hidden;
  if (config.heads > 0) {
    o.heads = config.heads;
  } else {
    if (o.hidden % kHeadWidth != 0) {
      throw UserError(cat("model.heads: 0 means hidden / ", kHeadWidth, ", but model.hidden = ", o.hidden,
                          " is not a multiple of ", kHeadWidth, "; hint: set model.heads explicitly"));
    }
    o.heads = o.hidden / kHeadWidth;
  }
  o.intermediate = config.intermediate > 0 ? config.intermediate : kFfnMultiplier * o.hidden;
  o.max_position = config.max_position;
  o.type_vocab = config.type_vocab;
  o.dropout = config.dropout;
  o.attention_dropout = config.attention_dropout;
  o.layer_norm_eps = config.layer_norm_eps;
  o.init_std = config.init_std;
  o.unpad = config.unpad;
  validate_bert_options(o, "model");
  return o;
}

}  // namespace sasmlm
