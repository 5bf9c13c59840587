// Loading: defaults, `base:` chains, --set overrides and where validation errors point.
#include <gtest/gtest.h>

#include "config_test_util.h"
#include "test_util.h"

namespace sasmlm {
namespace {

using test::load_error;

TEST(ConfigLoading, EmptyFileGivesDefaults) {
  test::TempDir dir;
  std::string path = (dir / "empty.yaml").string();
  test::write_text(path, "");
  Config loaded = load_config(path);
  Config defaults;
  defaults.source_path = path;
  EXPECT_EQ(dump_config(loaded), dump_config(defaults));
  EXPECT_EQ(loaded.source_path, path);
  EXPECT_EQ(loaded.trainer.max_steps, 1000);
  EXPECT_TRUE(loaded.sas.schedule.empty());

  Config commented = load_config_from_string("# nothing set yet\n\n", "c.yaml");
  EXPECT_EQ(commented.model.preset, "tiny");
  EXPECT_EQ(commented.source_path, "c.yaml");
}

TEST(ConfigLoading, EmptySectionsAndEmptyValues) {
  Config c = load_config_from_string("trainer:\ndata:\n  train:\n  prepared_dir:\n", "cfg.yaml");
  EXPECT_EQ(c.trainer.max_steps, 1000);
  EXPECT_TRUE(c.data.train.empty());
  EXPECT_EQ(c.data.prepared_dir, "");
}

TEST(ConfigLoading, ReadsEveryValueType) {
  Config c = load_config_from_string(
      "run: {dir: runs/x, seed: 7}\n"
      "data:\n  train: [a.conllu, b.conllu]\n  pack: false\n  mask_prob: 0.2\n"
      "trainer:\n  lr: 5e-4\n  max_steps: +300\n"
      "checkpoint:\n  at: [10, 20]\n"
      "sas:\n  schedule:\n    - {until: 3000, lambda: 0.001, ramp_to: 0.01}\n    - {lambda: -1}\n",
      "cfg.yaml");
  EXPECT_EQ(c.run.dir, "runs/x");
  EXPECT_EQ(c.run.seed, 7);
  EXPECT_EQ(c.data.train, (std::vector<std::string>{"a.conllu", "b.conllu"}));
  EXPECT_FALSE(c.data.pack);
  EXPECT_DOUBLE_EQ(c.data.mask_prob, 0.2);
  EXPECT_DOUBLE_EQ(c.trainer.lr, 5e-4);
  EXPECT_EQ(c.trainer.max_steps, 300);
  EXPECT_EQ(c.checkpoint.at, (std::vector<int64_t>{10, 20}));
  ASSERT_EQ(c.sas.schedule.size(), 2u);
  EXPECT_EQ(c.sas.schedule[0].until, 3000);
  EXPECT_DOUBLE_EQ(c.sas.schedule[0].lambda, 0.001);
  EXPECT_EQ(c.sas.schedule[0].ramp_to, 0.01);
  EXPECT_FALSE(c.sas.schedule[1].until.has_value());
  EXPECT_DOUBLE_EQ(c.sas.schedule[1].lambda, -1);
  EXPECT_FALSE(c.sas.schedule[1].ramp_to.has_value());
}

TEST(ConfigLoading, BaseMergesKeyByKeyAndReplacesLists) {
  test::TempDir dir;
  test::write_text(dir / "base.yaml",
                   "trainer:\n  lr: 0.001\n  max_steps: 500\n"
                   "data:\n  train: [a.conllu, b.conllu]\n  max_seq_len: 64\n"
                   "sas:\n  schedule:\n    - {until: 100, lambda: 1}\n    - {lambda: 0}\n");
  test::write_text(dir / "child.yaml",
                   "base: base.yaml\ntrainer:\n  max_steps: 100\ndata:\n  train: [c.conllu]\n"
                   "sas:\n  schedule: [{lambda: 0.5}]\n");
  Config c = load_config((dir / "child.yaml").string());
  EXPECT_DOUBLE_EQ(c.trainer.lr, 0.001);     // from base
  EXPECT_EQ(c.trainer.max_steps, 100);       // child wins
  EXPECT_EQ(c.data.max_seq_len, 64);         // sibling key in the same section kept
  EXPECT_EQ(c.data.train, (std::vector<std::string>{"c.conllu"}));  // list replaced, not appended
  ASSERT_EQ(c.sas.schedule.size(), 1u);
  EXPECT_DOUBLE_EQ(c.sas.schedule[0].lambda, 0.5);
  EXPECT_EQ(c.source_path, (dir / "child.yaml").string());
}

TEST(ConfigLoading, BaseChainIsRecursiveAndRelativeToTheIncludingFile) {
  test::TempDir dir;
  std::filesystem::create_directories(dir / "exp" / "sub");
  test::write_text(dir / "root.yaml", "run:\n  seed: 1\n  dir: runs/root\ntrainer:\n  lr: 0.1\n");
  test::write_text(dir / "exp" / "mid.yaml", "base: ../root.yaml\nrun:\n  seed: 2\ntrainer:\n  batch_size: 8\n");
  test::write_text(dir / "exp" / "sub" / "leaf.yaml", "base: ../mid.yaml\nrun:\n  seed: 3\n");
  Config c = load_config((dir / "exp" / "sub" / "leaf.yaml").string(), {"trainer.batch_size=16"});
  EXPECT_EQ(c.run.seed, 3);
  EXPECT_EQ(c.run.dir, "runs/root");  // paths stay as written, not resolved against the config's directory
  EXPECT_DOUBLE_EQ(c.trainer.lr, 0.1);
  EXPECT_EQ(c.trainer.batch_size, 16);  // --set comes after every file
}

TEST(ConfigLoading, BaseCycleIsDetected) {
  test::TempDir dir;
  std::string a = (dir / "a.yaml").string(), b = (dir / "b.yaml").lexically_normal().string();
  test::write_text(a, "base: b.yaml\n");
  test::write_text(b, "trainer:\n  lr: 1\nbase: a.yaml\n");
  EXPECT_EQ(test::load_file_error(a), b + ":3: base: cycle: " + a + " -> " + b + " -> " + a);
  test::write_text(a, "base: ./a.yaml\n");
  EXPECT_EQ(test::load_file_error(a), a + ":1: base: cycle: " + a + " -> " + a);
}

TEST(ConfigLoading, ErrorsInsideABaseNameTheBaseFile) {
  test::TempDir dir;
  std::string base = (dir / "base.yaml").lexically_normal().string();
  test::write_text(base, "trainer:\n  lr: -1\n  max_setps: 3\n");
  test::write_text(dir / "child.yaml", "base: base.yaml\n");
  EXPECT_EQ(test::load_file_error((dir / "child.yaml").string()),
            base + ":3: trainer.max_setps: unknown key (did you mean 'max_steps'?)");
  test::write_text(base, "trainer:\n  lr: -1\n");
  EXPECT_EQ(test::load_file_error((dir / "child.yaml").string()), base + ":2: trainer.lr: must be > 0, got -1");
  // A child that fixes the value: the base's bad value is gone, so is the error.
  test::write_text(dir / "child.yaml", "base: base.yaml\ntrainer:\n  lr: 0.5\n");
  EXPECT_DOUBLE_EQ(load_config((dir / "child.yaml").string()).trainer.lr, 0.5);
}

TEST(ConfigLoading, SetOverridesScalarsListsAndSchedule) {
  Config c = load_config_from_string(
      "trainer:\n  lr: 0.1\n", "cfg.yaml",
      {"trainer.lr=5e-4", "data.pack=false", "run.dir=runs/set", "data.train=[a.conllu, b.conllu]",
       "checkpoint.at=[10, 20]", "sas.schedule=[{until: 3000, lambda: 0.001}, {lambda: 0}]", "trainer.max_steps=7",
       "trainer.max_steps=8", "eval.uas="});
  EXPECT_DOUBLE_EQ(c.trainer.lr, 5e-4);
  EXPECT_FALSE(c.data.pack);
  EXPECT_EQ(c.run.dir, "runs/set");
  EXPECT_EQ(c.data.train, (std::vector<std::string>{"a.conllu", "b.conllu"}));
  EXPECT_EQ(c.checkpoint.at, (std::vector<int64_t>{10, 20}));
  ASSERT_EQ(c.sas.schedule.size(), 2u);
  EXPECT_EQ(c.sas.schedule[0].until, 3000);
  EXPECT_DOUBLE_EQ(c.sas.schedule[0].lambda, 0.001);
  EXPECT_FALSE(c.sas.schedule[1].until.has_value());
  EXPECT_DOUBLE_EQ(c.sas.schedule[1].lambda, 0.0);
  EXPECT_EQ(c.trainer.max_steps, 8);  // the later override wins
  EXPECT_EQ(c.eval.uas, "");
}

// --set reaches into a list field by index, as sweep axes do (config_key.h): the item is edited in the list the file
// gave, the other items keep their values, and edits to one list compose in order.
TEST(ConfigLoading, SetReachesIntoListsByIndex) {
  const std::string yaml =
      "data:\n  train: [a.conllu, b.conllu]\ncheckpoint:\n  at: [10, 20, 30]\n"
      "sas:\n  schedule:\n    - {until: 100, lambda: 0.001}\n    - {lambda: 0}\n";
  Config c = load_config_from_string(yaml, "cfg.yaml",
                                     {"sas.schedule.0.until=5", "sas.schedule.0.lambda=-0.5", "sas.schedule.0.ramp_to=0",
                                      "data.train.1=c.conllu", "checkpoint.at.2=40"});
  ASSERT_EQ(c.sas.schedule.size(), 2u);
  EXPECT_EQ(c.sas.schedule[0].until, 5);
  EXPECT_DOUBLE_EQ(c.sas.schedule[0].lambda, -0.5);
  EXPECT_EQ(c.sas.schedule[0].ramp_to, 0.0);  // an optional key absent from the item is added
  EXPECT_FALSE(c.sas.schedule[1].until.has_value());
  EXPECT_DOUBLE_EQ(c.sas.schedule[1].lambda, 0.0);
  EXPECT_EQ(c.data.train, (std::vector<std::string>{"a.conllu", "c.conllu"}));
  EXPECT_EQ(c.checkpoint.at, (std::vector<int64_t>{10, 20, 40}));
  // A whole item, and an index into a list that an earlier --set gave.
  c = load_config_from_string(yaml, "cfg.yaml",
                              {"sas.schedule=[{lambda: 1}]", "sas.schedule.0={until: 7, lambda: 2}",
                               "sas.schedule=[{until: 7, lambda: 2}, {lambda: 3}]", "sas.schedule.1.lambda=4"});
  ASSERT_EQ(c.sas.schedule.size(), 2u);
  EXPECT_EQ(c.sas.schedule[0].until, 7);
  EXPECT_DOUBLE_EQ(c.sas.schedule[1].lambda, 4.0);
}

TEST(ConfigLoading, SetWholeSectionMergesItsKeys) {
  Config c = load_config_from_string("trainer:\n  lr: 0.1\n  batch_size: 4\n", "cfg.yaml",
                                     {"trainer={max_steps: 5, batch_size: 2}"});
  EXPECT_DOUBLE_EQ(c.trainer.lr, 0.1);
  EXPECT_EQ(c.trainer.max_steps, 5);
  EXPECT_EQ(c.trainer.batch_size, 2);
}

TEST(ConfigLoading, ValidationPointsAtTheSourceOfTheValue) {
  // From the file: file and line of the key.
  EXPECT_EQ(load_error("run:\n  seed: 1\ntrainer:\n  lr: -1\n"), "cfg.yaml:4: trainer.lr: must be > 0, got -1");
  // From --set: the file part is --set.
  EXPECT_EQ(load_error("trainer:\n  lr: 0.1\n", {"trainer.lr=-1"}), "--set: trainer.lr: must be > 0, got -1");
  // A value given in the file, then fixed by --set, is no error.
  EXPECT_EQ(load_error("trainer:\n  lr: -1\n", {"trainer.lr=1"}), "<no error>");
  // Schedule elements carry their own lines.
  EXPECT_EQ(load_error("sas:\n  schedule:\n    - {until: 10, lambda: 1}\n    - {until: 20, lambda: 1}\n"),
            "cfg.yaml:4: sas.schedule[1]: the last window must not have 'until' (it covers every later step)");
}

}  // namespace
}  // namespace sasmlm
