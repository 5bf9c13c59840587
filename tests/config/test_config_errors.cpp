// Errors found while reading: unknown keys, wrong types, duplicates, malformed YAML, --set syntax, missing files.
// Each asserts the whole one-line message.
#include <gtest/gtest.h>

#include "config_test_util.h"
#include "test_util.h"

namespace sasmlm {
namespace {

using test::load_error;

TEST(ConfigErrors, UnknownKeySuggestsClosestField) {
  EXPECT_EQ(load_error("trainer:\n  lr: 0.001\n  max_step: 10\n"),
            "cfg.yaml:3: trainer.max_step: unknown key (did you mean 'max_steps'?)");
  EXPECT_EQ(load_error("data:\n  mask_replce_prob: 0.5\n"),
            "cfg.yaml:2: data.mask_replce_prob: unknown key (did you mean 'mask_replace_prob'?)");
}

TEST(ConfigErrors, UnknownSectionSuggestsClosestSection) {
  EXPECT_EQ(load_error("run:\n  seed: 1\ntrainr:\n  lr: 1\n"),
            "cfg.yaml:3: trainr: unknown key (did you mean 'trainer'?)");
}

TEST(ConfigErrors, UnknownKeyWithoutCloseMatchListsValidKeys) {
  EXPECT_EQ(load_error("run:\n  colour: red\n"), "cfg.yaml:2: run.colour: unknown key (valid keys: dir, seed)");
}

TEST(ConfigErrors, MisplacedKeyPointsToItsSection) {
  EXPECT_EQ(load_error("trainer:\n  vocab_size: 100\n"),
            "cfg.yaml:2: trainer.vocab_size: unknown key (did you mean 'tokenizer.vocab_size'?)");
  EXPECT_EQ(load_error("max_steps: 5\n"), "cfg.yaml:1: max_steps: unknown key (did you mean 'trainer.max_steps'?)");
}

TEST(ConfigErrors, WrongScalarTypes) {
  EXPECT_EQ(load_error("trainer:\n  lr: 0.001\n  warmup_steps: 3\n  max_steps: ten\n"),
            "cfg.yaml:4: trainer.max_steps: expected an integer, got 'ten'");
  EXPECT_EQ(load_error("trainer:\n  max_steps: 1.5\n"),
            "cfg.yaml:2: trainer.max_steps: expected an integer, got '1.5'");
  EXPECT_EQ(load_error("trainer:\n  max_steps: 1e3\n"),
            "cfg.yaml:2: trainer.max_steps: expected an integer, got '1e3'");
  EXPECT_EQ(load_error("trainer:\n  max_steps:\n"),
            "cfg.yaml:2: trainer.max_steps: expected an integer, got an empty value");
  EXPECT_EQ(load_error("run:\n  seed: 99999999999999999999\n"),
            "cfg.yaml:2: run.seed: integer out of range, got '99999999999999999999'");
  EXPECT_EQ(load_error("trainer:\n  lr: fast\n"), "cfg.yaml:2: trainer.lr: expected a number, got 'fast'");
  EXPECT_EQ(load_error("trainer:\n  lr: 0x10\n"), "cfg.yaml:2: trainer.lr: expected a number, got '0x10'");
  EXPECT_EQ(load_error("data:\n  pack: yes\n"), "cfg.yaml:2: data.pack: expected true or false, got 'yes'");
  EXPECT_EQ(load_error("data:\n  pack: 1\n"), "cfg.yaml:2: data.pack: expected true or false, got '1'");
  EXPECT_EQ(load_error("run:\n  dir: [a]\n"), "cfg.yaml:2: run.dir: expected a string, got a list");
  EXPECT_EQ(load_error("trainer:\n  lr: {a: 1}\n"), "cfg.yaml:2: trainer.lr: expected a number, got a map");
}

TEST(ConfigErrors, WrongListTypes) {
  EXPECT_EQ(load_error("data:\n  train: a.conllu\n"),
            "cfg.yaml:2: data.train: expected a list, got 'a.conllu' (write [a.conllu] for a one-item list)");
  EXPECT_EQ(load_error("checkpoint:\n  at: [100, x]\n"), "cfg.yaml:2: checkpoint.at[1]: expected an integer, got 'x'");
  EXPECT_EQ(load_error("data:\n  dev:\n    - a.conllu\n    - [b]\n"),
            "cfg.yaml:4: data.dev[1]: expected a string, got a list");
  EXPECT_EQ(load_error("sas:\n  layers: {a: 1}\n"), "cfg.yaml:2: sas.layers: expected a list, got a map");
}

TEST(ConfigErrors, SectionAndDocumentMustBeMaps) {
  EXPECT_EQ(load_error("run:\n  seed: 1\ntrainer: 5\n"), "cfg.yaml:3: trainer: expected a map of keys, got '5'");
  EXPECT_EQ(load_error("- a\n- b\n"), "cfg.yaml:1: expected a map of sections (run, data, model, ...), got a list");
  EXPECT_EQ(load_error("[a]: 1\n"), "cfg.yaml:1: expected plain key names, got a list as a key");
}

TEST(ConfigErrors, DuplicateKeys) {
  EXPECT_EQ(load_error("trainer:\n  lr: 1\n  lr: 2\n"),
            "cfg.yaml:3: trainer.lr: duplicate key (first given on line 2)");
  EXPECT_EQ(load_error("run:\n  seed: 1\nrun:\n  seed: 2\n"), "cfg.yaml:3: run: duplicate key (first given on line 1)");
}

TEST(ConfigErrors, ScheduleWindowReadErrors) {
  EXPECT_EQ(load_error("sas:\n  schedule:\n    - {until: 10, lambda: big}\n    - {lambda: 0}\n"),
            "cfg.yaml:3: sas.schedule[0].lambda: expected a number, got 'big'");
  EXPECT_EQ(load_error("sas:\n  schedule:\n    - {until: 10, lambda: 1}\n    - {lamda: 0}\n"),
            "cfg.yaml:4: sas.schedule[1].lamda: unknown key (did you mean 'lambda'?)");
  EXPECT_EQ(load_error("sas:\n  schedule:\n    - {until: 10}\n    - {lambda: 0}\n"),
            "cfg.yaml:3: sas.schedule[0]: missing required key 'lambda'");
  EXPECT_EQ(load_error("sas:\n  schedule: [5]\n"),
            "cfg.yaml:2: sas.schedule[0]: expected a map {until, lambda, ramp_to}, got '5'");
  EXPECT_EQ(load_error("sas:\n  schedule:\n    - {until: 1.5, lambda: 1}\n    - {lambda: 0}\n"),
            "cfg.yaml:3: sas.schedule[0].until: expected an integer, got '1.5'");
  EXPECT_EQ(load_error("sas:\n  schedule:\n    - {lambda: 1, lambda: 2}\n"),
            "cfg.yaml:3: sas.schedule[0].lambda: duplicate key (first given on line 3)");
}

TEST(ConfigErrors, MalformedYaml) {
  std::string yaml = "run:\n  dir: runs/x\n  seed: 1\ntrainer:\n  lr: 0.001\n  max_steps: 10\n  at: [1, 2\n";
  EXPECT_EQ(load_error(yaml), "cfg.yaml:7: malformed YAML: end of sequence flow not found");
  EXPECT_EQ(load_error("run:\n  dir: a\n dir: b\n"), "cfg.yaml:3: malformed YAML: end of map not found");
  EXPECT_EQ(load_error("run:\n  seed: 1\n---\nrun:\n  seed: 2\n"),
            "cfg.yaml:3: expected one YAML document, found 2 (remove the '---' separators)");
}

TEST(ConfigErrors, SetSyntax) {
  EXPECT_EQ(load_error("", {"trainer.lr"}), "--set: 'trainer.lr': expected KEY=VALUE");
  EXPECT_EQ(load_error("", {"=5"}), "--set: '=5': expected KEY=VALUE");
  EXPECT_EQ(load_error("", {"trainer.lr=abc"}), "--set: trainer.lr: expected a number, got 'abc'");
  EXPECT_EQ(load_error("", {"trainer.max_step=5"}), "--set: trainer.max_step: unknown key (did you mean 'max_steps'?)");
  EXPECT_EQ(load_error("", {"trainr.lr=1"}), "--set: trainr: unknown key (did you mean 'trainer'?)");
  EXPECT_EQ(load_error("", {"max_steps=1"}), "--set: max_steps: unknown key (did you mean 'trainer.max_steps'?)");
  EXPECT_EQ(load_error("", {"trainer.lr=[1"}), "--set: trainer.lr: malformed YAML: end of sequence flow not found");
  EXPECT_EQ(load_error("", {"base=other.yaml"}), "--set: base: 'base' can only be given in a config file");
  EXPECT_EQ(load_error("", {"trainer=5"}), "--set: trainer: expected a map of keys, got '5'");
  EXPECT_EQ(load_error("", {"trainer={lr: 1, lr: 2}"}), "--set: trainer.lr: duplicate key");
  EXPECT_EQ(load_error("", {"sas.schedule=[{lambda: x}]"}),
            "--set: sas.schedule[0].lambda: expected a number, got 'x'");
}

// A --set path into a list names the key, the index and the list's length; the item's value gets the list's checks.
TEST(ConfigErrors, SetListIndex) {
  const std::string yaml = "sas:\n  schedule:\n    - {until: 100, lambda: 0.001}\n    - {lambda: 0}\n";
  EXPECT_EQ(load_error(yaml, {"sas.schedule.2.until=5"}),
            "--set: sas.schedule.2.until: index 2 is out of range: sas.schedule has 2 item(s) (hint: give the whole "
            "list to change its length)");
  EXPECT_EQ(load_error("", {"data.train.0=a.conllu"}),
            "--set: data.train.0: index 0 is out of range: data.train has 0 item(s) (hint: give the whole list to "
            "change its length)");
  EXPECT_EQ(load_error(yaml, {"sas.schedule.99999999999999999999.until=5"}),
            "--set: sas.schedule.99999999999999999999.until: index 99999999999999999999 is out of range: "
            "sas.schedule has 2 item(s) (hint: give the whole list to change its length)");
  EXPECT_EQ(load_error(yaml, {"trainer.lr.0=5"}),
            "--set: trainer.lr.0: trainer.lr is a single value, not a list: index 0 does not apply");
  EXPECT_EQ(load_error(yaml, {"sas.schedule.0.until.x=5"}),
            "--set: sas.schedule.0.until.x: sas.schedule.0.until is a single value, not a list: it has no 'x'");
  EXPECT_EQ(load_error(yaml, {"sas.schedule.first.until=5"}),
            "--set: sas.schedule.first.until: sas.schedule is a list: expected an item index, got 'first'");
  EXPECT_EQ(load_error(yaml, {"sas.schedule.1.until.x=5"}),
            "--set: sas.schedule.1.until.x: sas.schedule.1 has no 'until'");
  // Keys inside an item get the reader's did-you-mean, values its type and range checks.
  EXPECT_EQ(load_error(yaml, {"sas.schedule.0.lamda=5"}),
            "--set: sas.schedule[0].lamda: unknown key (did you mean 'lambda'?)");
  EXPECT_EQ(load_error(yaml, {"sas.schedule.0.until=soon"}),
            "--set: sas.schedule[0].until: expected an integer, got 'soon'");
  EXPECT_EQ(load_error(yaml, {"sas.schedul.0.until=5"}), "--set: sas.schedul: unknown key (did you mean 'schedule'?)");
}

TEST(ConfigErrors, MissingConfigFile) {
  test::TempDir dir;
  std::string path = (dir / "absent.yaml").string();
  EXPECT_EQ(test::load_file_error(path), "config file not found: " + path);
  EXPECT_EQ(test::load_file_error(dir.path().string()), "config file is not a regular file: " + dir.path().string());
}

TEST(ConfigErrors, MissingBaseFile) {
  test::TempDir dir;
  std::string path = (dir / "cfg.yaml").string();
  test::write_text(path, "# a config\nbase: parent.yaml\n");
  EXPECT_EQ(test::load_file_error(path),
            path + ":2: base: file not found: " + (dir / "parent.yaml").lexically_normal().string());
  test::write_text(path, "base: [a.yaml]\n");
  EXPECT_EQ(test::load_file_error(path), path + ":1: base: expected the path of a config file, got a list");
}

}  // namespace
}  // namespace sasmlm
