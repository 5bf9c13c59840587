#include <filesystem>

#include "sasmlm/config/config_loader.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/sweep/sweep_config.h"
#include "sasmlm/sweep/sweep_planner.h"
#include "sweep_test_util.h"

namespace sasmlm::test {
namespace {

namespace fs = std::filesystem;

SbatchOptions sbatch_options() { return {"/opt/sasmlm/bin/sasmlm", "/work/dir"}; }

TEST(SweepConfig, AppliesAxisValuesIncludingListItems) {
  TempDir dir;
  const SweepSpec spec = write_sweep(
      dir, "grid:\n  sas.schedule.0.until: [100, 3000]\n  run.seed: [5]\nzip: {sas.schedule.0.lambda: [-0.5]}\n");
  const auto resolved = resolve_sweep(spec, expand_sweep(spec));
  ASSERT_EQ(resolved.size(), 2u);
  const Config& c = resolved[1].config;
  ASSERT_EQ(c.sas.schedule.size(), 2u);
  EXPECT_EQ(c.sas.schedule[0].until, 3000);
  EXPECT_DOUBLE_EQ(c.sas.schedule[0].lambda, -0.5);
  EXPECT_FALSE(c.sas.schedule[1].until.has_value());
  EXPECT_EQ(c.run.seed, 5);
  EXPECT_EQ(c.trainer.max_steps, 40);  // from the base
  EXPECT_EQ(c.run.dir, (dir / "out" / "until3000_seed5_lam-0.5").string());
  EXPECT_EQ(resolved[1].run_dir, c.run.dir);
  // The written text loads back to the same config.
  EXPECT_TRUE(same_config(load_config_from_string(resolved[1].config_yaml, "x.yaml"), c));
}

TEST(SweepConfig, UnknownKeysNameTheSweepLine) {
  TempDir dir;
  const SweepSpec s1 = write_sweep(dir, "grid:\n  trainer.lrr: [0.1]\n");
  EXPECT_CONTAINS(error_of([&] { resolve_sweep(s1, expand_sweep(s1)); }),
                  "sweep.yaml:4: trainer.lrr: unknown key (did you mean 'lr'?)");
  const SweepSpec s2 = write_sweep(dir, "grid:\n  trainr.lr: [0.1]\n");
  EXPECT_CONTAINS(error_of([&] { resolve_sweep(s2, expand_sweep(s2)); }),
                  "sweep.yaml:4: trainr: unknown key (did you mean 'trainer'?)");
  const SweepSpec s3 = write_sweep(dir, "grid:\n  sas.schedule.2.until: [5]\n");
  EXPECT_CONTAINS(error_of([&] { resolve_sweep(s3, expand_sweep(s3)); }),
                  "sweep.yaml:4: sas.schedule.2.until: index 2 is out of range: sas.schedule has 2 item(s)");
  const SweepSpec s4 = write_sweep(dir, "grid:\n  sas.schedule.first.until: [5]\n");
  EXPECT_CONTAINS(error_of([&] { resolve_sweep(s4, expand_sweep(s4)); }), "expected an item index, got 'first'");
  const SweepSpec s5 = write_sweep(dir, "grid:\n  trainer.lr.x: [5]\n");
  EXPECT_CONTAINS(error_of([&] { resolve_sweep(s5, expand_sweep(s5)); }), "trainer.lr is a single value");
  // A misspelled field inside a list item is caught when the value is read, naming the point.
  const SweepSpec s6 = write_sweep(dir, "grid:\n  sas.schedule.0.lamda: [5]\n");
  EXPECT_CONTAINS(error_of([&] { resolve_sweep(s6, expand_sweep(s6)); }), "point 0 'lamda5'");
}

TEST(SweepConfig, MissingBaseIsNamed) {
  TempDir dir;
  write_text(dir / "sweep.yaml", "base: nothere.yaml\nout: o\ngrid: {run.seed: [1]}\n");
  const SweepSpec spec = load_sweep_file((dir / "sweep.yaml").string());
  EXPECT_CONTAINS(error_of([&] { resolve_sweep(spec, expand_sweep(spec)); }),
                  "sweep.yaml: base: config file not found: " + (dir / "nothere.yaml").string());
}

TEST(SweepPlan, BadValueIsReportedBeforeAnythingIsWritten) {
  TempDir dir;
  // The second point's window ends at a negative step; the first is fine, and still nothing may be written.
  const SweepSpec spec = write_sweep(dir, "grid:\n  sas.schedule.0.until: [1500, -5]\n");
  const std::string message = error_of([&] { plan_sweep(spec, sbatch_options()); });
  EXPECT_CONTAINS(message, "sweep.yaml: point 1 'until-5' (sas.schedule.0.until=-5): ");
  EXPECT_CONTAINS(message, "until");
  EXPECT_FALSE(fs::exists(dir / "out")) << message;
  // A type error too.
  const SweepSpec typed = write_sweep(dir, "grid:\n  trainer.max_steps: [10, many]\n");
  EXPECT_CONTAINS(error_of([&] { plan_sweep(typed, sbatch_options()); }),
                  "point 1 'max-steps-many' (trainer.max_steps=many): trainer.max_steps");
  EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST(SweepPlan, WritesRunDirsAndScriptThenReplanIsANoOp) {
  TempDir dir;
  const SweepSpec spec = write_sweep(dir, "grid:\n  run.seed: [1, 2]\n");
  const SweepPlan plan = plan_sweep(spec, sbatch_options());
  ASSERT_EQ(plan.runs.size(), 2u);
  for (const auto& run : plan.runs) EXPECT_EQ(run.action, PlanAction::kCreated);
  EXPECT_EQ(plan.sbatch_path, (dir / "out" / "sweep.sbatch").string());
  EXPECT_TRUE(fs::is_directory(dir / "out" / "logs"));
  const Config seed2 = load_config((dir / "out" / "seed2" / "config.yaml").string());
  EXPECT_EQ(seed2.run.seed, 2);
  EXPECT_EQ(seed2.run.dir, (dir / "out" / "seed2").string());
  EXPECT_CONTAINS(read_file(plan.sbatch_path), "RUNS=('seed1' 'seed2')");

  const auto before = fs::last_write_time(dir / "out" / "seed1" / "config.yaml");
  const SweepPlan again = plan_sweep(spec, sbatch_options());
  for (const auto& run : again.runs) EXPECT_EQ(run.action, PlanAction::kUnchanged);
  EXPECT_EQ(fs::last_write_time(dir / "out" / "seed1" / "config.yaml"), before);
}

TEST(SweepPlan, TrainerRewrittenConfigStillCountsAsUnchanged) {
  TempDir dir;
  const SweepSpec spec = write_sweep(dir, "grid:\n  run.seed: [1]\n");
  plan_sweep(spec, sbatch_options());
  // The trainer rewrites config.yaml with its own "loaded from" header; that is not a change.
  const fs::path path = dir / "out" / "seed1" / "config.yaml";
  write_file_atomic(path, dump_config(load_config(path.string())));
  write_text(dir / "out" / "seed1" / "metrics.jsonl", "{\"step\": 10, \"mlm_loss\": 5.0}\n");
  EXPECT_EQ(plan_sweep(spec, sbatch_options()).runs[0].action, PlanAction::kUnchanged);
}

TEST(SweepPlan, ChangedPointIsRewrittenOnlyWhileNotStarted) {
  TempDir dir;
  plan_sweep(write_sweep(dir, "grid:\n  run.seed: [1, 2]\n"), sbatch_options());
  // The base changes (max_steps 40 -> 60): seed1 has not started, so it is updated.
  std::string base = kSweepBaseConfig;
  base.replace(base.find("max_steps: 40"), 13, "max_steps: 60");
  SweepSpec changed = write_sweep(dir, "grid:\n  run.seed: [1, 2]\n", base);
  write_text(dir / "out" / "seed2" / "metrics.jsonl", "{\"step\": 10, \"mlm_loss\": 5.0}\n");
  const std::string seed2_before = read_file(dir / "out" / "seed2" / "config.yaml");
  const std::string message = error_of([&] { plan_sweep(changed, sbatch_options()); });
  EXPECT_CONTAINS(message, "run 'seed2' in " + (dir / "out" / "seed2").string() +
                               " has started (metrics.jsonl present) and its config.yaml differs");
  // Refused as a whole: neither run was touched.
  EXPECT_EQ(read_file(dir / "out" / "seed2" / "config.yaml"), seed2_before);
  EXPECT_EQ(load_config((dir / "out" / "seed1" / "config.yaml").string()).trainer.max_steps, 40);

  // Checkpoints count as started too.
  fs::remove(dir / "out" / "seed2" / "metrics.jsonl");
  fs::create_directories(dir / "out" / "seed2" / "checkpoints");
  write_text(dir / "out" / "seed2" / "checkpoints" / "step_00000010.ckpt", "x");
  EXPECT_CONTAINS(error_of([&] { plan_sweep(changed, sbatch_options()); }), "has started (checkpoints present)");

  fs::remove_all(dir / "out" / "seed2" / "checkpoints");
  const SweepPlan plan = plan_sweep(changed, sbatch_options());
  EXPECT_EQ(plan.runs[0].action, PlanAction::kUpdated);
  EXPECT_EQ(plan.runs[1].action, PlanAction::kUpdated);
  EXPECT_EQ(load_config((dir / "out" / "seed1" / "config.yaml").string()).trainer.max_steps, 60);
}

TEST(SweepPlan, StartedRunWithoutConfigIsRefused) {
  TempDir dir;
  const SweepSpec spec = write_sweep(dir, "grid:\n  run.seed: [1]\n");
  fs::create_directories(dir / "out" / "seed1");
  write_text(dir / "out" / "seed1" / "metrics.jsonl", "{\"step\": 10}\n");
  EXPECT_CONTAINS(error_of([&] { plan_sweep(spec, sbatch_options()); }),
                  "has started (metrics.jsonl present) but has no config.yaml");
}

}  // namespace
}  // namespace sasmlm::test
