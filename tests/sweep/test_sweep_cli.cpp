#include <cstdlib>
#include <filesystem>

#include "sasmlm/core/file_util.h"
#include "sweep_test_util.h"

namespace sasmlm::test {
namespace {

namespace fs = std::filesystem;

#define SASMLM_REQUIRE_CLI() \
  if (std::getenv("SASMLM_CLI") == nullptr) GTEST_SKIP() << "SASMLM_CLI is not set (run through ctest)"

TEST(SweepCli, PlanThenStatus) {
  SASMLM_REQUIRE_CLI();
  TempDir dir;
  write_sweep(dir, "grid:\n  run.seed: [1, 2]\n");
  const std::string sweep = (dir / "sweep.yaml").string();
  CliResult plan = run_cli("sweep plan " + sweep);
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_CONTAINS(plan.out, "2 runs (2 created, 0 updated, 0 unchanged)");
  EXPECT_TRUE(fs::exists(dir / "out" / "seed2" / "config.yaml"));
  // The script runs the very executable that planned it.
  EXPECT_CONTAINS(read_file(dir / "out" / "sweep.sbatch"),
                  "SASMLM='" + fs::canonical(std::getenv("SASMLM_CLI")).string() + "'");
  CliResult status = run_cli("sweep status " + sweep);
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_CONTAINS(status.out, "seed1");
  EXPECT_CONTAINS(status.out, "2 planned");
}

TEST(SweepCli, SubmitWithoutSbatchIsAnErrorBeforeWriting) {
  SASMLM_REQUIRE_CLI();
  TempDir dir;
  write_sweep(dir, "grid:\n  run.seed: [1, 2]\n");
  const std::string saved = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  ::setenv("PATH", (dir / "empty_bin").c_str(), 1);  // no sbatch anywhere
  CliResult r = run_cli("sweep plan " + (dir / "sweep.yaml").string() + " --submit");
  ::setenv("PATH", saved.c_str(), 1);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_CONTAINS(r.err, "error: --submit: sbatch not found on PATH");
  EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST(SweepCli, SubmitCallsSbatchForRunsNotStarted) {
  SASMLM_REQUIRE_CLI();
  TempDir dir;
  write_sweep(dir, "grid:\n  run.seed: [1, 2, 3]\n");
  // A stand-in sbatch that records its arguments and answers like `sbatch --parsable`.
  fs::create_directories(dir / "bin");
  write_text(dir / "bin" / "sbatch", "#!/bin/sh\necho \"$@\" >> " + (dir / "sbatch_args").string() + "\necho 4242\n");
  fs::permissions(dir / "bin" / "sbatch", fs::perms::owner_all);
  const std::string saved = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  ::setenv("PATH", ((dir / "bin").string() + ":" + saved).c_str(), 1);
  const std::string plan = "sweep plan " + (dir / "sweep.yaml").string() + " --submit";
  CliResult first = run_cli(plan);
  // seed2 finishes; the next submission leaves it out.
  write_text(dir / "out" / "seed2" / "metrics.jsonl", "{\"step\": 40, \"mlm_loss\": 4.0}\n");
  CliResult second = run_cli(plan);
  ::setenv("PATH", saved.c_str(), 1);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_CONTAINS(first.out, "submitted job 4242 (array 0-2)");
  EXPECT_CONTAINS(second.out, "submitted job 4242 (array 0,2)");
  const std::string script = (dir / "out" / "sweep.sbatch").string();
  EXPECT_EQ(read_file(dir / "sbatch_args"),
            "--parsable --array=0-2 " + script + "\n--parsable --array=0,2 " + script + "\n");
  const std::string log = read_file(dir / "out" / "submissions.jsonl");
  EXPECT_CONTAINS(log, "\"array\":\"0-2\"");
  EXPECT_CONTAINS(log, "\"job_id\":\"4242\"");
}

TEST(SweepCli, BadActionAndBadValue) {
  SASMLM_REQUIRE_CLI();
  TempDir dir;
  write_sweep(dir, "grid:\n  trainer.lr: [0.001, -1]\n");
  CliResult action = run_cli("sweep launch " + (dir / "sweep.yaml").string());
  EXPECT_EQ(action.exit_code, 2);
  EXPECT_CONTAINS(action.err, "unknown action 'launch'");
  CliResult value = run_cli("sweep plan " + (dir / "sweep.yaml").string());
  EXPECT_EQ(value.exit_code, 2);
  EXPECT_CONTAINS(value.err, "point 1 'lr-1' (trainer.lr=-1): trainer.lr");
  EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST(SweepCli, ReportWritesTablesAndFigure) {
  SASMLM_REQUIRE_CLI();
  TempDir dir;
  write_sweep(dir, "grid:\n  sas.schedule.0.until: [100, 300]\n  run.seed: [1, 2]\n");
  const std::string sweep = (dir / "sweep.yaml").string();
  ASSERT_EQ(run_cli("sweep plan " + sweep).exit_code, 0);
  // Fake finished runs: loss grows with the suppression window.
  double loss = 4.0;
  for (const char* name : {"until100_seed1", "until100_seed2", "until300_seed1", "until300_seed2"}) {
    write_text(dir / "out" / name / "metrics.jsonl",
               "{\"step\": 40, \"mlm_loss\": " + std::to_string(loss) + ", \"sas_loss\": 0}\n");
    loss += 0.25;
  }
  CliResult r = run_cli("sweep report " + sweep);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "| until300_seed2 | done | 40 | 300 | 2 | 4.75 | 4.75 |");
  EXPECT_CONTAINS(read_file(dir / "out" / "report.csv"), "until100_seed2,done,40,100,2,4.25,4.25,");
  EXPECT_TRUE(fs::exists(dir / "out" / "report.md"));
  const char* python = std::getenv("SASMLM_PYTHON");
  const std::string has_matplotlib =
      std::string(python != nullptr ? python : "python3") + " -c 'import matplotlib' >/dev/null 2>&1";
  if (std::system(has_matplotlib.c_str()) == 0) {
    EXPECT_GT(fs::file_size(dir / "out" / "report.png"), 1000u) << r.err;
  }
}

TEST(SweepCli, RunChecksItsOptionsBeforeWriting) {
  SASMLM_REQUIRE_CLI();
  TempDir dir;
  write_sweep(dir, "grid:\n  run.seed: [1, 2]\n");
  const std::string sweep = (dir / "sweep.yaml").string();
  for (const char* jobs : {"0", "-3"}) {
    CliResult r = run_cli("sweep run " + sweep + " --local --jobs " + jobs);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_CONTAINS(r.err, std::string("error: --jobs: expected a positive number of runs at once, got ") + jobs +
                               " (hint: --jobs 1 trains the runs one after another");
  }
  CliResult word = run_cli("sweep run " + sweep + " --local --jobs two");
  EXPECT_EQ(word.exit_code, 2);
  EXPECT_CONTAINS(word.err, "--jobs: expected an integer, got 'two'");
  CliResult slurm = run_cli("sweep run " + sweep);
  EXPECT_EQ(slurm.exit_code, 2);
  EXPECT_CONTAINS(slurm.err, "sasmlm sweep run: only --local is implemented");
  CliResult misplaced = run_cli("sweep status " + sweep + " --jobs 2");
  EXPECT_EQ(misplaced.exit_code, 2);
  EXPECT_CONTAINS(misplaced.err, "sasmlm sweep: --jobs goes with run");
  EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST(SweepCli, RunLocalNamesTheFailedRunsAndStatusSeesThem) {
  SASMLM_REQUIRE_CLI();
  TempDir dir;
  // The base config's train.conllu does not exist: every trainer stops with exit 2 while preparing its data.
  write_sweep(dir, "grid:\n  run.seed: [1, 2]\n");
  const std::string sweep = (dir / "sweep.yaml").string();
  CliResult r = run_cli("sweep run " + sweep + " --local --jobs 2");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  const std::string log0 = (dir / "out" / "logs" / "out_local_0.out").string();
  EXPECT_CONTAINS(r.out, "FAILED   1/2 seed1: exit 2 after ");
  EXPECT_CONTAINS(r.out, "2 runs: 2 failed");
  EXPECT_CONTAINS(r.err, "error: failed runs: seed1 (exit 2, log " + log0 + "), seed2 (exit 2, log ");
  EXPECT_CONTAINS(read_file(log0), "error: ");
  EXPECT_CONTAINS(read_file(log0), "train.conllu");
  CliResult status = run_cli("sweep status " + sweep);
  EXPECT_CONTAINS(status.out, "exit code 2");
  EXPECT_CONTAINS(status.out, "2 failed");
}

TEST(SweepCli, RunLocalTrainsEveryRunOnceThenReports) {
  SASMLM_REQUIRE_CLI();
  TempDir dir;
  const fs::path corpus = synth_corpus(300, 5);
  write_sweep(dir, "grid:\n  run.seed: [1, 2]\n",
              "data: {train: [" + (corpus / "train.conllu").string() + "], dev: [" + (corpus / "dev.conllu").string() +
                  "], max_seq_len: 64}\n"
                  "tokenizer: {vocab_size: 300}\n"
                  "model: {preset: tiny, layers: 2, hidden: 64, heads: 2}\n"
                  "trainer: {max_steps: 4, batch_size: 4, warmup_steps: 1, log_every: 2}\n"
                  "checkpoint: {every: 2, keep_last: 2}\n"
                  "eval: {every: 0}\n"
                  "logging: {level: warn, tensorboard: false}\n");
  const std::string sweep = (dir / "sweep.yaml").string();
  CliResult first = run_cli("sweep run " + sweep + " --local --jobs 2");
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_CONTAINS(first.out, "2 runs in " + (dir / "out").string() + ", 2 at a time");
  EXPECT_CONTAINS(first.out, "start    1/2 seed1: pid ");
  EXPECT_CONTAINS(first.out, "done     2/2 seed2: exit 0 after ");
  EXPECT_CONTAINS(first.out, "2 runs: 2 done");
  EXPECT_EQ(read_file(dir / "out" / "seed1" / "exit_status").rfind("0 local-", 0), 0u);
  CliResult status = run_cli("sweep status " + sweep);
  EXPECT_CONTAINS(status.out, "2 done");
  CliResult report = run_cli("sweep report " + sweep);
  EXPECT_CONTAINS(report.out, "| seed1 | done | 4 | 1 |");
  EXPECT_CONTAINS(report.out, "| seed2 | done | 4 | 2 |");
  // Again: nothing left to train.
  CliResult second = run_cli("sweep run " + sweep + " --local --jobs 2");
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_CONTAINS(second.out, "skip     1/2 seed1: done already (step 4/4)");
  EXPECT_CONTAINS(second.out, "2 runs: 2 done before");
}

}  // namespace
}  // namespace sasmlm::test
