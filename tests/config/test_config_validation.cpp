// validate_config: ranges, enums, non-finite numbers, cross-field rules and the sas.schedule rules.
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace sasmlm {
namespace {

using test::load_error;

// The message for one key set to `value` in its section, e.g. invalid("trainer", "lr", "-1").
std::string invalid(const std::string& section, const std::string& key, const std::string& value) {
  return load_error(section + ":\n  " + key + ": " + value + "\n");
}

TEST(ConfigValidation, Ranges) {
  EXPECT_EQ(invalid("trainer", "lr", "-1"), "cfg.yaml:2: trainer.lr: must be > 0, got -1");
  EXPECT_EQ(invalid("trainer", "lr", "0"), "cfg.yaml:2: trainer.lr: must be > 0, got 0");
  EXPECT_EQ(invalid("data", "mask_prob", "1.5"), "cfg.yaml:2: data.mask_prob: must be in (0, 1), got 1.5");
  EXPECT_EQ(invalid("data", "mask_prob", "0"), "cfg.yaml:2: data.mask_prob: must be in (0, 1), got 0");
  EXPECT_EQ(invalid("data", "mask_replace_prob", "-0.1"),
            "cfg.yaml:2: data.mask_replace_prob: must be in [0, 1], got -0.1");
  EXPECT_EQ(invalid("tokenizer", "vocab_size", "8"), "cfg.yaml:2: tokenizer.vocab_size: must be >= 16, got 8");
  EXPECT_EQ(invalid("tokenizer", "character_coverage", "0"),
            "cfg.yaml:2: tokenizer.character_coverage: must be in (0, 1], got 0");
  EXPECT_EQ(invalid("data", "max_seq_len", "4"), "cfg.yaml:2: data.max_seq_len: must be >= 8, got 4");
  EXPECT_EQ(invalid("trainer", "max_steps", "0"), "cfg.yaml:2: trainer.max_steps: must be > 0, got 0");
  EXPECT_EQ(invalid("trainer", "batch_size", "-3"), "cfg.yaml:2: trainer.batch_size: must be > 0, got -3");
  EXPECT_EQ(invalid("trainer", "warmup_steps", "-1"), "cfg.yaml:2: trainer.warmup_steps: must be >= 0, got -1");
  EXPECT_EQ(invalid("trainer", "beta2", "1"), "cfg.yaml:2: trainer.beta2: must be in [0, 1), got 1");
  EXPECT_EQ(invalid("model", "dropout", "1"), "cfg.yaml:2: model.dropout: must be in [0, 1), got 1");
  EXPECT_EQ(invalid("model", "layers", "-2"), "cfg.yaml:2: model.layers: must be >= 0, got -2");
  EXPECT_EQ(invalid("model", "layer_norm_eps", "0"), "cfg.yaml:2: model.layer_norm_eps: must be > 0, got 0");
  EXPECT_EQ(invalid("model", "init_from", "\"runs/a/hf \""),
            "cfg.yaml:2: model.init_from: has a line break or leading/trailing spaces: 'runs/a/hf ' (hint: remove "
            "the spaces around the path)");
  EXPECT_EQ(invalid("sas", "p", "0.5"), "cfg.yaml:2: sas.p: must be >= 1, got 0.5");
  EXPECT_EQ(invalid("checkpoint", "keep_last", "0"), "cfg.yaml:2: checkpoint.keep_last: must be > 0, got 0");
  EXPECT_EQ(invalid("eval", "every", "-5"), "cfg.yaml:2: eval.every: must be >= 0, got -5");
  EXPECT_EQ(invalid("distributed", "timeout_s", "0"), "cfg.yaml:2: distributed.timeout_s: must be > 0, got 0");
  EXPECT_EQ(invalid("run", "dir", "\"\""), "cfg.yaml:2: run.dir: must not be empty");
  EXPECT_EQ(invalid("data", "train", "[a.conllu, \"\"]"), "cfg.yaml:2: data.train[1]: must not be empty");
  EXPECT_EQ(invalid("data", "prepare_threads", "-1"), "cfg.yaml:2: data.prepare_threads: must be >= 0, got -1");
  EXPECT_EQ(invalid("data", "prepare_threads", "5000"),
            "cfg.yaml:2: data.prepare_threads: must be <= 1024, got 5000 (hint: 0 uses every CPU this process may use)");
}

TEST(ConfigValidation, EveryEnum) {
  struct Case {
    std::string section, key, options;
  };
  const std::vector<Case> cases = {
      {"model", "preset", "tiny, mini, small, medium, base, large"},
      {"tokenizer", "type", "unigram, bpe"},
      {"sas", "variant", "max, uniform, random_arcs"},
      {"sas", "directions", "both, to_head, to_dependent"},
      {"sas", "normalization", "per_sequence, authors, per_arc, per_token, none"},
      {"sas", "probabilities", "post_dropout, pre_dropout"},
      {"trainer", "lr_schedule", "linear, cosine, constant"},
      {"trainer", "device", "auto, cpu, cuda"},
      {"trainer", "precision", "auto, fp32, bf16"},
      {"distributed", "backend", "auto, nccl, gloo"},
      {"data", "long_sentences", "split, drop"},
      {"data", "arc_pieces", "first, all"},
      {"logging", "level", "trace, debug, info, warn, error, off"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(invalid(c.section, c.key, "huge"),
              "cfg.yaml:2: " + c.section + "." + c.key + ": expected one of " + c.options + ", got 'huge'");
  }
}

TEST(ConfigValidation, NonFiniteNumbersAreRejected) {
  EXPECT_EQ(invalid("trainer", "lr", ".nan"), "cfg.yaml:2: trainer.lr: must be a finite number");
  EXPECT_EQ(invalid("trainer", "lr", ".inf"), "cfg.yaml:2: trainer.lr: must be a finite number");
  EXPECT_EQ(invalid("model", "dropout", "-.inf"), "cfg.yaml:2: model.dropout: must be a finite number");
  EXPECT_EQ(invalid("trainer", "weight_decay", "1e999"), "cfg.yaml:2: trainer.weight_decay: must be a finite number");
  EXPECT_EQ(load_error("sas:\n  schedule:\n    - {lambda: .nan}\n"),
            "cfg.yaml:3: sas.schedule[0].lambda: must be a finite number");
  EXPECT_EQ(load_error("sas:\n  schedule:\n    - {until: 5, lambda: 1, ramp_to: .inf}\n    - {lambda: 0}\n"),
            "cfg.yaml:3: sas.schedule[0].ramp_to: must be a finite number");
  EXPECT_EQ(load_error("", {"trainer.lr=nan"}), "--set: trainer.lr: must be a finite number");
}

TEST(ConfigValidation, CrossFieldRules) {
  EXPECT_EQ(load_error("data:\n  mask_replace_prob: 0.8\n  random_replace_prob: 0.3\n"),
            "cfg.yaml:3: data.random_replace_prob: data.mask_replace_prob + data.random_replace_prob must be <= 1, "
            "got 0.8 + 0.3");
  EXPECT_EQ(load_error("data:\n  mask_replace_prob: 0.95\n"),
            "cfg.yaml:2: data.mask_replace_prob: data.mask_replace_prob + data.random_replace_prob must be <= 1, "
            "got 0.95 + 0.1");
  EXPECT_EQ(load_error("data:\n  mask_replace_prob: 0.7\n  random_replace_prob: 0.3\n"), "<no error>");
  EXPECT_EQ(load_error("model:\n  preset: mini\n  hidden: 256\n  heads: 3\n"),
            "cfg.yaml:4: model.heads: must divide model.hidden (256), got 3");
  EXPECT_EQ(load_error("model:\n  hidden: 256\n  heads: 4\n"), "<no error>");
  EXPECT_EQ(load_error("model:\n  hidden: 32\n"),
            "cfg.yaml:2: model.hidden: must be >= 64 when model.heads is 0 (heads = hidden / 64), got 32");
  EXPECT_EQ(load_error("data:\n  max_seq_len: 1024\n"),
            "cfg.yaml:2: data.max_seq_len: must be <= model.max_position (512), got 1024");
  EXPECT_EQ(load_error("trainer:\n  batch_size: 8\n  micro_batch_size: 16\n"),
            "cfg.yaml:3: trainer.micro_batch_size: must be <= trainer.batch_size (8), got 16");
  EXPECT_EQ(load_error("checkpoint:\n  at: [10, 50, 20]\n"),
            "cfg.yaml:2: checkpoint.at[2]: must be greater than the previous step (50), got 20");
  EXPECT_EQ(load_error("sas:\n  layers: [0, 2, 2]\n"), "cfg.yaml:2: sas.layers[2]: layer 2 is listed twice");
  EXPECT_EQ(load_error("model:\n  layers: 2\nsas:\n  layers:\n    - 0\n    - 2\n"),
            "cfg.yaml:6: sas.layers[1]: must be < model.layers (2), got 2");
}

TEST(ConfigValidation, ScheduleRules) {
  auto schedule = [](const std::string& windows) { return load_error("sas:\n  schedule:\n" + windows); };
  EXPECT_EQ(schedule("    - {until: 3000, lambda: 0.001}\n    - {lambda: 0}\n"), "<no error>");
  EXPECT_EQ(schedule("    - {lambda: 0}\n"), "<no error>");
  EXPECT_EQ(schedule("    - {until: 3000, lambda: 1}\n    - {until: 6000, lambda: 0}\n"),
            "cfg.yaml:4: sas.schedule[1]: the last window must not have 'until' (it covers every later step)");
  EXPECT_EQ(schedule("    - {lambda: 1}\n    - {lambda: 0}\n"),
            "cfg.yaml:3: sas.schedule[0]: only the last window may omit 'until'");
  EXPECT_EQ(schedule("    - {until: 3000, lambda: 1}\n    - {until: 2000, lambda: 1}\n    - {lambda: 0}\n"),
            "cfg.yaml:4: sas.schedule[1].until: must be greater than the previous window's until (3000), got 2000");
  EXPECT_EQ(schedule("    - {until: 3000, lambda: 1}\n    - {until: 3000, lambda: 1}\n    - {lambda: 0}\n"),
            "cfg.yaml:4: sas.schedule[1].until: must be greater than the previous window's until (3000), got 3000");
  EXPECT_EQ(schedule("    - {until: 0, lambda: 1}\n    - {lambda: 0}\n"),
            "cfg.yaml:3: sas.schedule[0].until: must be > 0, got 0");
  EXPECT_EQ(schedule("    - {until: 10, lambda: 1}\n    - {lambda: 0, ramp_to: 1}\n"),
            "cfg.yaml:4: sas.schedule[1].ramp_to: the last window has no end to ramp towards "
            "(give the ramp its own window with 'until')");
}

TEST(ConfigValidation, WithoutSourcesMessagesNameOnlyTheKey) {
  Config config;
  EXPECT_NO_THROW(validate_config(config));
  config.trainer.lr = -1;
  try {
    validate_config(config);
    FAIL() << "expected a UserError";
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "trainer.lr: must be > 0, got -1");
  }
  config.trainer.lr = 1e-4;
  config.sas.schedule = {SasWindow{std::nullopt, 1.0, std::nullopt}, SasWindow{std::nullopt, 0.0, std::nullopt}};
  try {
    validate_config(config);
    FAIL() << "expected a UserError";
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "sas.schedule[0]: only the last window may omit 'until'");
  }
}

}  // namespace
}  // namespace sasmlm
