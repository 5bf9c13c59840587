#include "config_validator.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <initializer_list>
#include <optional>
#include <set>
#include <vector>

#include "sas_window_fields.h"
#include "sasmlm/config/config_loader.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/log_levels.h"
#include "sasmlm/core/name_suggestion.h"
#include "sasmlm/core/size_limits.h"
#include "yaml_scalar.h"

namespace sasmlm {
namespace {

constexpr double kSumTolerance = 1e-12;  // 0.7 + 0.3 is 0.9999999999999999, not above 1

std::string str(int64_t value) { return std::to_string(value); }
std::string str(double value) { return format_number(value); }

std::string element_key(const std::string& key, size_t index) { return key + "[" + std::to_string(index) + "]"; }

// The checks, each throwing a one-line UserError that names the key (and its file:line when known).
class Checker {
 public:
  explicit Checker(const KeySources* sources) : sources_(sources) {}

  [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
    throw UserError(config_message(sources_ != nullptr ? sources_->find(key) : nullptr, key, problem));
  }
  bool has_source(const std::string& key) const { return sources_ != nullptr && sources_->find(key) != nullptr; }

  void require(bool ok, const std::string& key, const std::string& problem) const {
    if (!ok) fail(key, problem);
  }
  template <class T>
  void positive(const std::string& key, T value) const {
    require(value > 0, key, "must be > 0, got " + str(value));
  }
  template <class T>
  void non_negative(const std::string& key, T value) const {
    require(value >= 0, key, "must be >= 0, got " + str(value));
  }
  void at_least(const std::string& key, int64_t value, int64_t min) const {
    require(value >= min, key, "must be >= " + str(min) + ", got " + str(value));
  }
  // Sizes that reach an allocation are bounded (include/sasmlm/core/size_limits.h).
  void at_most(const std::string& key, int64_t value, int64_t max, const std::string& hint = "") const {
    require(value <= max, key, "must be <= " + str(max) + ", got " + str(value) + (hint.empty() ? "" : " (hint: " + hint + ")"));
  }
  // An interval with open or closed ends: "must be in (0, 1], got 1.5".
  void in_range(const std::string& key, double value, double low, bool low_open, double high, bool high_open) const {
    bool ok = (low_open ? value > low : value >= low) && (high_open ? value < high : value <= high);
    std::string interval =
        std::string(low_open ? "(" : "[") + str(low) + ", " + str(high) + (high_open ? ")" : "]");
    require(ok, key, "must be in " + interval + ", got " + str(value));
  }
  void one_of(const std::string& key, const std::string& value, std::initializer_list<const char*> options) const {
    one_of(key, value, std::vector<std::string>(options.begin(), options.end()));
  }
  void one_of(const std::string& key, const std::string& value, const std::vector<std::string>& options) const {
    if (std::find(options.begin(), options.end(), value) != options.end()) return;
    fail(key, "expected one of " + join_names(options) + ", got '" + value + "'");
  }

 private:
  const KeySources* sources_;
};

// ---- Non-finite numbers, in every double field ------------------------------------------------------------

void check_finite(const Checker& c, const std::string& key, double value) {
  c.require(std::isfinite(value), key, "must be a finite number");
}
void check_finite(const Checker& c, const std::string& key, const std::optional<double>& value) {
  if (value) check_finite(c, key, *value);
}
void check_finite(const Checker& c, const std::string& key, const std::vector<SasWindow>& windows) {
  for (size_t i = 0; i < windows.size(); ++i) {
    SasWindow window = windows[i];
    auto field = [&](const char* name, auto& ref, const char*) {
      check_finite(c, element_key(key, i) + "." + name, ref);
    };
    visit_window(window, field);
  }
}
template <class T>
void check_finite(const Checker&, const std::string&, const T&) {}  // not a floating-point value

void check_all_finite(const Checker& c, Config config) {
  auto per_section = [&](const char* section, auto& s) {
    auto field = [&](const char* name, auto& ref, const char*) {
      check_finite(c, std::string(section) + "." + name, ref);
    };
    s.visit(field);
  };
  config.visit_sections(per_section);
}

// ---- Sections ---------------------------------------------------------------------------------------------

void check_paths(const Checker& c, const std::string& key, const std::vector<std::string>& paths) {
  for (size_t i = 0; i < paths.size(); ++i) c.require(!paths[i].empty(), element_key(key, i), "must not be empty");
}

void check_data(const Checker& c, const DataConfig& d, const ModelConfig& m) {
  check_paths(c, "data.train", d.train);
  check_paths(c, "data.dev", d.dev);
  c.at_least("data.max_seq_len", d.max_seq_len, 8);
  c.require(d.max_seq_len <= m.max_position, "data.max_seq_len",
            "must be <= model.max_position (" + str(m.max_position) + "), got " + str(d.max_seq_len));
  c.one_of("data.long_sentences", d.long_sentences, {"split", "drop"});
  c.one_of("data.arc_pieces", d.arc_pieces, {"first", "all"});
  c.in_range("data.mask_prob", d.mask_prob, 0, true, 1, true);
  c.in_range("data.mask_replace_prob", d.mask_replace_prob, 0, false, 1, false);
  c.in_range("data.random_replace_prob", d.random_replace_prob, 0, false, 1, false);
  // Point at whichever of the two the user gave (the later key when both or neither were).
  std::string key = !c.has_source("data.random_replace_prob") && c.has_source("data.mask_replace_prob")
                        ? "data.mask_replace_prob"
                        : "data.random_replace_prob";
  c.require(d.mask_replace_prob + d.random_replace_prob <= 1 + kSumTolerance, key,
            "data.mask_replace_prob + data.random_replace_prob must be <= 1, got " + str(d.mask_replace_prob) +
                " + " + str(d.random_replace_prob));
  c.positive("data.prefetch", d.prefetch);
  c.at_most("data.prefetch", d.prefetch, kMaxPrefetch);
  c.positive("data.shard_sequences", d.shard_sequences);
  c.non_negative("data.prepare_threads", d.prepare_threads);
  c.at_most("data.prepare_threads", d.prepare_threads, kMaxPrepareThreads, "0 uses every CPU this process may use");
}

void check_tokenizer(const Checker& c, const TokenizerConfig& t) {
  c.at_least("tokenizer.vocab_size", t.vocab_size, 16);
  c.at_most("tokenizer.vocab_size", t.vocab_size, kMaxVocab);
  c.one_of("tokenizer.type", t.type, {"unigram", "bpe"});
  c.in_range("tokenizer.character_coverage", t.character_coverage, 0, true, 1, false);
  c.positive("tokenizer.max_training_words", t.max_training_words);
}

void check_model(const Checker& c, const ModelConfig& m) {
  c.one_of("model.preset", m.preset, {"tiny", "mini", "small", "medium", "base", "large"});
  c.non_negative("model.layers", m.layers);
  c.non_negative("model.hidden", m.hidden);
  c.non_negative("model.heads", m.heads);
  c.non_negative("model.intermediate", m.intermediate);
  c.at_most("model.layers", m.layers, kMaxLayers);
  c.at_most("model.hidden", m.hidden, kMaxHidden);
  c.at_most("model.heads", m.heads, kMaxHeads);
  c.at_most("model.intermediate", m.intermediate, kMaxIntermediate);
  c.at_most("model.max_position", m.max_position, kMaxPositions);
  c.at_most("model.type_vocab", m.type_vocab, kMaxTypeVocab);
  if (m.hidden > 0 && m.heads > 0) {
    c.require(m.hidden % m.heads == 0, "model.heads",
              "must divide model.hidden (" + str(m.hidden) + "), got " + str(m.heads));
  }
  if (m.hidden > 0 && m.heads == 0) {
    c.require(m.hidden >= 64, "model.hidden",
              "must be >= 64 when model.heads is 0 (heads = hidden / 64), got " + str(m.hidden));
  }
  c.at_least("model.max_position", m.max_position, 8);
  c.positive("model.type_vocab", m.type_vocab);
  c.in_range("model.dropout", m.dropout, 0, false, 1, true);
  c.in_range("model.attention_dropout", m.attention_dropout, 0, false, 1, true);
  c.positive("model.layer_norm_eps", m.layer_norm_eps);
  c.positive("model.init_std", m.init_std);
  // The path is opened when training starts (the stored config of a checkpoint is validated too, long after the
  // source may have moved); here only what no existing path can look like.
  const bool padded = !m.init_from.empty() && (std::isspace(static_cast<unsigned char>(m.init_from.front())) ||
                                                std::isspace(static_cast<unsigned char>(m.init_from.back())));
  c.require(!padded && m.init_from.find_first_of("\n\r") == std::string::npos, "model.init_from",
            "has a line break or leading/trailing spaces: '" + m.init_from +
                "' (hint: remove the spaces around the path)");
}

// Windows in order of strictly increasing `until`; only the last has none, since it covers every later step.
void check_schedule(const Checker& c, const std::vector<SasWindow>& schedule) {
  std::optional<int64_t> previous;
  for (size_t i = 0; i < schedule.size(); ++i) {
    const SasWindow& w = schedule[i];
    std::string key = element_key("sas.schedule", i);
    bool last = i + 1 == schedule.size();
    if (!w.until) {
      c.require(last, key, "only the last window may omit 'until'");
      c.require(!w.ramp_to, key + ".ramp_to",
                "the last window has no end to ramp towards (give the ramp its own window with 'until')");
      continue;
    }
    c.positive(key + ".until", *w.until);
    if (previous) {
      c.require(*w.until > *previous, key + ".until",
                "must be greater than the previous window's until (" + str(*previous) + "), got " + str(*w.until));
    }
    c.require(!last, key, "the last window must not have 'until' (it covers every later step)");
    previous = w.until;
  }
}

void check_sas(const Checker& c, const SasConfig& s, const ModelConfig& m) {
  c.one_of("sas.variant", s.variant, {"max", "uniform", "random_arcs"});
  c.one_of("sas.directions", s.directions, {"both", "to_head", "to_dependent"});
  check_schedule(c, s.schedule);
  std::set<int64_t> seen;
  for (size_t i = 0; i < s.layers.size(); ++i) {
    std::string key = element_key("sas.layers", i);
    c.non_negative(key, s.layers[i]);
    if (m.layers > 0) {
      c.require(s.layers[i] < m.layers, key,
                "must be < model.layers (" + str(m.layers) + "), got " + str(s.layers[i]));
    }
    c.require(seen.insert(s.layers[i]).second, key, "layer " + str(s.layers[i]) + " is listed twice");
  }
  c.one_of("sas.normalization", s.normalization, {"per_sequence", "authors", "per_arc", "per_token", "none"});
  c.positive("sas.authors_micro_batch", s.authors_micro_batch);
  c.one_of("sas.probabilities", s.probabilities, {"post_dropout", "pre_dropout"});
  c.require(s.p >= 1, "sas.p", "must be >= 1, got " + str(s.p));
}

void check_trainer(const Checker& c, const TrainerConfig& t) {
  c.positive("trainer.max_steps", t.max_steps);
  c.positive("trainer.batch_size", t.batch_size);
  c.at_most("trainer.batch_size", t.batch_size, kMaxBatchSequences,
            "trainer.micro_batch_size bounds the sequences per forward pass");
  c.non_negative("trainer.micro_batch_size", t.micro_batch_size);
  c.require(t.micro_batch_size <= t.batch_size, "trainer.micro_batch_size",
            "must be <= trainer.batch_size (" + str(t.batch_size) + "), got " + str(t.micro_batch_size));
  c.positive("trainer.lr", t.lr);
  c.non_negative("trainer.weight_decay", t.weight_decay);
  c.in_range("trainer.beta1", t.beta1, 0, false, 1, true);
  c.in_range("trainer.beta2", t.beta2, 0, false, 1, true);
  c.positive("trainer.eps", t.eps);
  c.one_of("trainer.lr_schedule", t.lr_schedule, {"linear", "cosine", "constant"});
  c.non_negative("trainer.warmup_steps", t.warmup_steps);
  c.non_negative("trainer.decay_horizon", t.decay_horizon);
  c.non_negative("trainer.grad_clip", t.grad_clip);
  c.non_negative("trainer.max_nonfinite_steps", t.max_nonfinite_steps);
  c.positive("trainer.log_every", t.log_every);
  c.non_negative("trainer.threads", t.threads);
  c.one_of("trainer.device", t.device, {"auto", "cpu", "cuda"});
  c.one_of("trainer.precision", t.precision, {"auto", "fp32", "bf16"});
  c.one_of("trainer.adamw_impl", t.adamw_impl, {"auto", "fused", "loop"});
}

void check_checkpoint(const Checker& c, const CheckpointConfig& k) {
  c.non_negative("checkpoint.every", k.every);
  for (size_t i = 0; i < k.at.size(); ++i) {
    std::string key = element_key("checkpoint.at", i);
    c.non_negative(key, k.at[i]);
    if (i > 0) {
      c.require(k.at[i] > k.at[i - 1], key,
                "must be greater than the previous step (" + str(k.at[i - 1]) + "), got " + str(k.at[i]));
    }
  }
  c.positive("checkpoint.keep_last", k.keep_last);
}

void check_eval(const Checker& c, const EvalConfig& e) {
  c.non_negative("eval.every", e.every);
  c.positive("eval.max_batches", e.max_batches);
  c.positive("eval.batch_size", e.batch_size);
  c.at_most("eval.batch_size", e.batch_size, kMaxBatchSequences);
  c.non_negative("eval.mask_seed", e.mask_seed);
  c.non_negative("eval.uas_max_sentences", e.uas_max_sentences);
  c.non_negative("eval.blimp_max_pairs", e.blimp_max_pairs);
  c.positive("eval.blimp_batch_copies", e.blimp_batch_copies);
  c.non_negative("eval.twonn_tokens", e.twonn_tokens);
}

void check_distributed(const Checker& c, const DistributedConfig& d) {
  c.one_of("distributed.backend", d.backend, {"auto", "nccl", "gloo"});
  c.positive("distributed.timeout_s", d.timeout_s);
  c.positive("distributed.bucket_mb", d.bucket_mb);
}

}  // namespace

void validate_config(const Config& config, const KeySources* sources) {
  Checker c(sources);
  check_all_finite(c, config);
  c.require(!config.run.dir.empty(), "run.dir", "must not be empty");
  c.non_negative("run.seed", config.run.seed);
  check_data(c, config.data, config.model);
  check_tokenizer(c, config.tokenizer);
  check_model(c, config.model);
  check_sas(c, config.sas, config.model);
  check_trainer(c, config.trainer);
  check_checkpoint(c, config.checkpoint);
  check_eval(c, config.eval);
  check_distributed(c, config.distributed);
  c.one_of("logging.level", config.logging.level, log_level_names());
}

void validate_config(const Config& config) { validate_config(config, nullptr); }

}  // namespace sasmlm
