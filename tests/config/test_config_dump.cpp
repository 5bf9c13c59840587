// dump_config: every field with its comment, and a round trip back to an equal Config.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <sstream>

#include "config_test_util.h"

namespace sasmlm {
namespace {

// Test-side text of a value, independent of the dump's own formatting.
std::string text(int64_t v) { return std::to_string(v); }
std::string text(bool v) { return v ? "T" : "F"; }
std::string text(const std::string& v) { return "'" + v + "'"; }
std::string text(double v) {
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%.17g", v);
  return buffer;
}
std::string text(const SasWindow& w) {
  return "{" + (w.until ? text(*w.until) : "-") + "," + text(w.lambda) + "," + (w.ramp_to ? text(*w.ramp_to) : "-") +
         "}";
}
template <class T>
std::string text(const std::vector<T>& values) {
  std::string out = "[";
  for (const T& v : values) out += text(v) + ";";
  return out + "]";
}

// "section.field" -> value text, for every field (source_path is not a key).
std::map<std::string, std::string> flatten(Config config) {
  std::map<std::string, std::string> out;
  auto per_section = [&](const char* section, auto& s) {
    auto field = [&](const char* name, auto& ref, const char*) { out[std::string(section) + "." + name] = text(ref); };
    s.visit(field);
  };
  config.visit_sections(per_section);
  return out;
}

// A valid config whose every field differs from its default.
Config unusual_config() {
  Config c;
  c.run = {"runs/with space: and # hash", 99};
  c.data.train = {"a.conllu", "dir/b \"quoted\".conllu"};
  c.data.dev = {"dev.conllu"};
  c.data.prepared_dir = "null";
  c.data.max_seq_len = 64;
  c.data.pack = false;
  c.data.long_sentences = "drop";
  c.data.arc_pieces = "all";
  c.data.skip_invalid = true;
  c.data.mask_prob = 0.1 + 0.2;  // not exactly 0.3: the dump must keep every bit
  c.data.mask_replace_prob = 0.7;
  c.data.random_replace_prob = 0.15;
  c.data.prefetch = 2;
  c.data.shard_sequences = 1000;
  c.data.prepare_threads = 3;
  c.tokenizer = {"vocab/vocab.txt", false, 1000, "bpe", 1.0, 5000};
  c.model.preset = "mini";
  c.model.layers = 3;
  c.model.hidden = 96;
  c.model.heads = 3;
  c.model.intermediate = 200;
  c.model.max_position = 128;
  c.model.type_vocab = 1;
  c.model.dropout = 0.0;
  c.model.attention_dropout = 1.0 / 3.0;
  c.model.layer_norm_eps = 1e-5;
  c.model.init_std = 0.01;
  c.model.unpad = false;
  c.model.init_from = "runs/base/hf/checkpoint-100";
  c.sas.variant = "uniform";
  c.sas.directions = "to_head";
  c.sas.schedule = {SasWindow{100, 0.5, -0.25}, SasWindow{2000, -1e-3, std::nullopt},
                    SasWindow{std::nullopt, 0.0, std::nullopt}};
  c.sas.layers = {0, 2};
  c.sas.normalization = "authors";
  c.sas.authors_micro_batch = 32;
  c.sas.probabilities = "pre_dropout";
  c.sas.p = 3.5;
  c.trainer.max_steps = 300;
  c.trainer.batch_size = 16;
  c.trainer.micro_batch_size = 4;
  c.trainer.lr = 5e-4;
  c.trainer.weight_decay = 0.0;
  c.trainer.beta1 = 0.8;
  c.trainer.beta2 = 0.98;
  c.trainer.eps = 1e-8;
  c.trainer.lr_schedule = "cosine";
  c.trainer.warmup_steps = 30;
  c.trainer.decay_horizon = 400;
  c.trainer.grad_clip = 0.0;
  c.trainer.max_nonfinite_steps = 5;
  c.trainer.log_every = 1;
  c.trainer.threads = 2;
  c.trainer.flush_denormal = false;
  c.trainer.device = "cpu";
  c.trainer.precision = "fp32";
  c.trainer.adamw_impl = "fused";
  c.checkpoint = {100, {0, 10, 50}, 2};
  c.eval = {50, "ud/dev.conllu", "blimp", 5, 8, 7, 100, 10, 64, 500};
  c.distributed = {"gloo", 60, 12.5, true};
  c.logging = {"debug", "", false};
  return c;
}

TEST(ConfigDump, RoundTripsEveryField) {
  Config original = unusual_config();
  ASSERT_NO_THROW(validate_config(original));
  std::map<std::string, std::string> changed = flatten(original), defaults = flatten(Config{});
  ASSERT_EQ(changed.size(), defaults.size());
  for (const auto& [key, value] : changed) EXPECT_NE(value, defaults[key]) << key << " is still its default";

  std::string yaml = dump_config(original);
  Config reloaded = load_config_from_string(yaml, "dumped.yaml");
  EXPECT_EQ(flatten(reloaded), changed) << yaml;
  EXPECT_EQ(reloaded.source_path, "dumped.yaml");
  reloaded.source_path.clear();
  EXPECT_EQ(dump_config(reloaded), yaml);  // a fixed point
}

TEST(ConfigDump, DefaultsRoundTrip) {
  Config defaults;
  EXPECT_EQ(flatten(load_config_from_string(dump_config(defaults), "d.yaml")), flatten(defaults));
}

TEST(ConfigDump, EveryFieldHasItsLineAndComment) {
  Config config = unusual_config();
  std::string yaml = dump_config(config);
  auto per_section = [&](const char* section, auto& s) {
    EXPECT_NE(yaml.find("\n" + std::string(section) + ":\n"), std::string::npos) << section;
    auto field = [&](const char* name, auto&, const char* comment) {
      // The field's line starts with "  name:" and ends with "# comment".
      std::istringstream lines(yaml);
      std::string line;
      bool found = false;
      while (std::getline(lines, line)) {
        if (line.rfind(std::string("  ") + name + ":", 0) != 0) continue;
        std::string tail = std::string("# ") + comment;
        if (line.size() >= tail.size() && line.compare(line.size() - tail.size(), tail.size(), tail) == 0) found = true;
      }
      EXPECT_TRUE(found) << section << "." << name << " missing or without its comment in\n" << yaml;
    };
    s.visit(field);
  };
  config.visit_sections(per_section);
}

TEST(ConfigDump, ScheduleIsABlockListOfWindows) {
  Config config;
  config.sas.schedule = {SasWindow{3000, 0.001, std::nullopt}, SasWindow{std::nullopt, 0.0, 0.5}};
  std::string yaml = dump_config(config);
  EXPECT_NE(yaml.find("    - {until: 3000, lambda: 0.001}\n    - {lambda: 0.0, ramp_to: 0.5}\n"), std::string::npos)
      << yaml;
  config.source_path = "configs/x.yaml";
  EXPECT_NE(dump_config(config).find("# loaded from configs/x.yaml\n"), std::string::npos);
}

}  // namespace
}  // namespace sasmlm
