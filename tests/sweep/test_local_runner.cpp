// run_sweep_local with a stand-in trainer (a shell script), so the runner's own rules are tested in well under a
// second per case: resume skips what is done, a failing child does not stop the others, a locked run directory is
// not started, a stop signal reaches the children and is waited for, auto-thread children get their CPU share.
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "sasmlm/core/cpu_threads.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/core/run_dir_lock.h"
#include "sasmlm/sweep/local_runner.h"
#include "sasmlm/sweep/run_status.h"
#include "sweep_test_util.h"

namespace sasmlm::test {
namespace {

namespace fs = std::filesystem;

// A stand-in for `sasmlm train --config DIR/config.yaml --resume auto`: records its arguments, working directory,
// CPU mask and RANK in DIR/calls, then acts by the run's name: *fail* exits 2, *crash* kills itself (SIGKILL),
// *slow* waits (up to 10 s) for SIGTERM and exits 75 as the trainer does; any other run writes a training record
// at step 40 (the base config's trainer.max_steps) and exits 0.
constexpr const char* kFakeTrainer = R"SH(#!/bin/sh
dir=$(dirname "$3")
echo "args=$* cwd=$(pwd) rank=${RANK-unset} $(grep Cpus_allowed_list /proc/$$/status | tr -d '\t')" >> "$dir/calls"
echo "fake trainer output for $dir"
case "$dir" in
  *fail*) echo "error: something is wrong" >&2; exit 2 ;;
  *crash*) kill -9 $$ ;;
  *slow*)
    trap 'echo "{\"step\": 10, \"mlm_loss\": 5.0}" >> "$dir/metrics.jsonl"; exit 75' TERM
    touch "$dir/started"
    i=0; while [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done ;;  # no SIGTERM in 10 s: ends as done
esac
echo '{"step": 40, "mlm_loss": 4.0, "sas_loss": 0}' >> "$dir/metrics.jsonl"
exit 0
)SH";

struct Fixture {
  TempDir dir;
  SweepSpec spec;
  SweepPlan plan;
  LocalRunOptions options;
  std::vector<std::string> lines;  // progress lines

  explicit Fixture(const std::string& sweep_body, int64_t jobs = 1) {
    spec = write_sweep(dir, sweep_body);
    write_text(dir / "fake_sasmlm", kFakeTrainer);
    fs::permissions(dir / "fake_sasmlm", fs::perms::owner_all);
    fs::create_directories(dir / "work");
    SbatchOptions sbatch;
    sbatch.sasmlm_path = (dir / "fake_sasmlm").string();
    sbatch.workdir = (dir / "work").string();
    plan = plan_sweep(spec, sbatch);
    options.executable = sbatch.sasmlm_path;
    options.workdir = sbatch.workdir;
    options.jobs = jobs;
    options.progress = [this](const std::string& line) { lines.push_back(line); };
  }
  LocalSweepResult run() { return run_sweep_local(spec, plan.runs, options); }
  fs::path run_dir(const std::string& name) const { return dir / "out" / name; }
  std::string all_lines() const {
    std::string out;
    for (const std::string& l : lines) out += l + "\n";
    return out;
  }
};

size_t line_count(const fs::path& path) {
  if (!fs::exists(path)) return 0;
  const std::string text = read_file(path);
  return size_t(std::count(text.begin(), text.end(), '\n'));
}

TEST(CpuShare, DividesTheCpusIntoBlocksOrSharesThemWhenTooFew) {
  EXPECT_EQ(cpu_share({0, 1}, 2, 0), std::vector<int>({0}));
  EXPECT_EQ(cpu_share({0, 1}, 2, 1), std::vector<int>({1}));
  EXPECT_EQ(cpu_share({0, 1, 2, 3, 4}, 2, 0), std::vector<int>({0, 1, 2}));
  EXPECT_EQ(cpu_share({0, 1, 2, 3, 4}, 2, 1), std::vector<int>({3, 4}));
  EXPECT_EQ(cpu_share({4, 6, 8, 10}, 1, 0), std::vector<int>({4, 6, 8, 10}));
  EXPECT_EQ(cpu_share({5}, 3, 2), std::vector<int>({5}));
  EXPECT_EQ(cpu_share({2, 3}, 3, 2), std::vector<int>({2}));
  EXPECT_TRUE(cpu_share({}, 2, 1).empty());
}

TEST(LocalRunner, RunsEveryPointAsTheSlurmTaskDoesThenSkipsThemWhenRunAgain) {
  Fixture f("grid:\n  run.seed: [1, 2, 3]\n", 2);
  ::setenv("RANK", "3", 1);  // as under torchrun: a child must not think it is one rank of many
  const LocalSweepResult first = f.run();
  ::unsetenv("RANK");
  ASSERT_EQ(first.runs.size(), 3u);
  EXPECT_EQ(local_sweep_exit_code(first), 0) << f.all_lines();
  for (const LocalRunResult& r : first.runs) {
    EXPECT_EQ(r.outcome, LocalOutcome::kDone) << r.name;
    ASSERT_TRUE(r.exit_code.has_value());
    EXPECT_EQ(*r.exit_code, 0);
    const fs::path dir = f.run_dir(r.name);
    // The files a Slurm task leaves, so status and report read local runs the same way.
    EXPECT_EQ(read_file(dir / "exit_status").rfind("0 local-", 0), 0u) << read_file(dir / "exit_status");
    EXPECT_FALSE(fs::exists(dir / "heartbeat"));
    EXPECT_EQ(read_run_status(dir.string(), std::time(nullptr)).state, RunState::kDone);
    EXPECT_CONTAINS(read_file(dir / "calls"),
                    "args=train --config " + (dir / "config.yaml").string() + " --resume auto ");
    EXPECT_CONTAINS(read_file(dir / "calls"), "cwd=" + (f.dir / "work").string());
    EXPECT_CONTAINS(read_file(dir / "calls"), "rank=unset");
    // Named like the Slurm task's log (<job name>_<job>_<task>.out), with the child's stdout and a header.
    EXPECT_EQ(r.log, (f.dir / "out" / "logs" / ("out_local_" + std::to_string(r.index) + ".out")).string());
    EXPECT_CONTAINS(read_file(r.log), "sweep: run " + r.name + " (local task " + std::to_string(r.index));
    EXPECT_CONTAINS(read_file(r.log), "fake trainer output for " + dir.string());
  }
  EXPECT_CONTAINS(f.all_lines(), "start    1/3 seed1: pid ");
  EXPECT_CONTAINS(f.all_lines(), "done     3/3 seed3: exit 0 after ");
  EXPECT_CONTAINS(f.all_lines(), ", step 40/40");

  // Run again: nothing is started, every run is reported as done before.
  f.lines.clear();
  const LocalSweepResult second = f.run();
  EXPECT_EQ(local_sweep_exit_code(second), 0);
  for (const LocalRunResult& r : second.runs) {
    EXPECT_EQ(r.outcome, LocalOutcome::kAlreadyDone) << r.name;
    EXPECT_EQ(line_count(f.run_dir(r.name) / "calls"), 1u) << r.name << " was started again";
  }
  EXPECT_CONTAINS(f.all_lines(), "skip     2/3 seed2: done already (step 40/40)");
}

TEST(LocalRunner, ResumesOnlyTheRunsNotDone) {
  Fixture f("grid:\n  run.seed: [1, 2]\n");
  // seed1 finished earlier; seed2 stopped at step 10 with exit 75.
  write_text(f.run_dir("seed1") / "metrics.jsonl", "{\"step\": 40, \"mlm_loss\": 4.0}\n");
  write_text(f.run_dir("seed2") / "metrics.jsonl", "{\"step\": 10, \"mlm_loss\": 6.0}\n");
  write_text(f.run_dir("seed2") / "exit_status", "75 local-1 2026-01-01T00:00:00Z\n");
  const LocalSweepResult r = f.run();
  EXPECT_EQ(r.runs[0].outcome, LocalOutcome::kAlreadyDone);
  EXPECT_EQ(r.runs[1].outcome, LocalOutcome::kDone);
  EXPECT_FALSE(fs::exists(f.run_dir("seed1") / "calls"));
  EXPECT_EQ(line_count(f.run_dir("seed2") / "calls"), 1u);
  EXPECT_EQ(local_sweep_exit_code(r), 0);
}

// Run names that pick the stand-in's behaviour: logging.file takes any word, and the template makes it the name.
std::string behaviours(const std::string& names) {
  return "name: \"{logging.file}\"\ngrid:\n  logging.file: [" + names + "]\n";
}

TEST(LocalRunner, FailingChildrenDoNotStopTheOthersAndSetTheExitCode) {
  Fixture f(behaviours("ok1, fail, crash, ok2"));
  const LocalSweepResult r = f.run();
  ASSERT_EQ(r.runs.size(), 4u);
  EXPECT_EQ(r.runs[0].outcome, LocalOutcome::kDone);
  EXPECT_EQ(r.runs[1].outcome, LocalOutcome::kFailed);
  EXPECT_EQ(r.runs[1].exit_code, 2);
  EXPECT_EQ(r.runs[2].outcome, LocalOutcome::kFailed);
  EXPECT_EQ(r.runs[2].exit_code, 128 + SIGKILL);  // as a shell (and the Slurm script's rc=$?) reports it
  EXPECT_EQ(r.runs[3].outcome, LocalOutcome::kDone) << "a failure stopped the runs after it";
  EXPECT_EQ(local_sweep_exit_code(r), 2);  // the first failed run's code
  EXPECT_CONTAINS(f.all_lines(), "FAILED   2/4 fail: exit 2 after ");
  EXPECT_CONTAINS(read_file(r.runs[1].log), "error: something is wrong");
  // `sweep status` sees the failures through exit_status, as after a Slurm task.
  const RunStatus fail = read_run_status(f.run_dir("fail").string(), std::time(nullptr));
  EXPECT_EQ(fail.state, RunState::kFailed);
  EXPECT_EQ(fail.exit_code, 2);
  EXPECT_EQ(read_run_status(f.run_dir("crash").string(), std::time(nullptr)).exit_code, 137);
}

TEST(LocalRunner, ExitCodeRules) {
  LocalSweepResult r;
  r.runs.resize(2);
  r.runs[0].outcome = LocalOutcome::kDone;
  r.runs[1].outcome = LocalOutcome::kAlreadyDone;
  EXPECT_EQ(local_sweep_exit_code(r), 0);
  r.runs[1].outcome = LocalOutcome::kLocked;
  EXPECT_EQ(local_sweep_exit_code(r), 2);
  r.runs[1].outcome = LocalOutcome::kInterrupted;
  EXPECT_EQ(local_sweep_exit_code(r), 75);
  r.runs[0].outcome = LocalOutcome::kFailed;
  r.runs[0].exit_code = 3;
  EXPECT_EQ(local_sweep_exit_code(r), 3);
  r.stop_signal = SIGTERM;
  EXPECT_EQ(local_sweep_exit_code(r), 75);
}

TEST(LocalRunner, ARunDirectoryHeldByAnotherProcessIsReportedNotStarted) {
  Fixture f(behaviours("held, free"));
  // This process holds held/train.lock, as a trainer started by hand would.
  const std::unique_ptr<RunDirLock> lock = RunDirLock::acquire(f.run_dir("held"));
  const LocalSweepResult r = f.run();
  EXPECT_EQ(r.runs[0].outcome, LocalOutcome::kLocked);
  EXPECT_CONTAINS(r.runs[0].detail, "run directory in use by process " + std::to_string(::getpid()));
  EXPECT_FALSE(fs::exists(f.run_dir("held") / "calls")) << "started twice";
  EXPECT_FALSE(fs::exists(f.run_dir("held") / "exit_status"));
  EXPECT_EQ(r.runs[1].outcome, LocalOutcome::kDone);
  EXPECT_EQ(local_sweep_exit_code(r), 2);
  EXPECT_CONTAINS(f.all_lines(), "skip     1/2 held: not started: ");
}

TEST(LocalRunner, AStopSignalReachesTheChildrenAndTheRunnerWaitsForThem) {
  Fixture f(behaviours("slow1, slow2, ok"), 2);
  // The signal (Slurm's USR1 before a time limit; SIGTERM and SIGINT are handled alike) comes once both children are
  // up; it is sent to this (the runner's) thread, where run_sweep_local waits for it.
  const pthread_t runner = ::pthread_self();
  std::atomic<bool> sent{false};
  std::thread signaller([&] {
    for (int i = 0; i < 400; ++i) {
      if (fs::exists(f.run_dir("slow1") / "started") && fs::exists(f.run_dir("slow2") / "started")) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    sent = ::pthread_kill(runner, SIGUSR1) == 0;
  });
  const LocalSweepResult r = f.run();
  signaller.join();
  ASSERT_TRUE(sent);
  EXPECT_EQ(r.stop_signal, SIGUSR1);
  for (int i : {0, 1}) {
    EXPECT_EQ(r.runs[i].outcome, LocalOutcome::kInterrupted) << r.runs[i].name;
    EXPECT_EQ(r.runs[i].exit_code, 75);
    const RunStatus s = read_run_status(f.run_dir(r.runs[i].name).string(), std::time(nullptr));
    EXPECT_EQ(s.state, RunState::kInterrupted) << r.runs[i].name;
  }
  EXPECT_EQ(r.runs[2].outcome, LocalOutcome::kNotStarted) << "a run was started after the stop signal";
  EXPECT_FALSE(fs::exists(f.run_dir("ok") / "calls"));
  EXPECT_EQ(local_sweep_exit_code(r), 75);
  EXPECT_CONTAINS(f.all_lines(), "stopping on signal " + std::to_string(SIGUSR1));
}

TEST(LocalRunner, AutoThreadChildrenGetTheirShareOfTheCpus) {
  const std::vector<int> cpus = allowed_cpu_ids();
  ASSERT_FALSE(cpus.empty());
  Fixture f("name: \"threads{trainer.threads}\"\ngrid:\n  trainer.threads: [0, 1]\n", 2);
  f.options.cpus = {cpus[0]};  // one CPU for two children: they share it
  const LocalSweepResult r = f.run();
  ASSERT_EQ(local_sweep_exit_code(r), 0) << f.all_lines();
  EXPECT_CONTAINS(read_file(f.run_dir("threads0") / "calls"), "Cpus_allowed_list:" + std::to_string(cpus[0]) + "\n");
  EXPECT_CONTAINS(f.all_lines(), "threads0: pid ");
  EXPECT_CONTAINS(f.all_lines(), ", CPUs " + std::to_string(cpus[0]) + ", log ");
  // trainer.threads set: the child keeps the runner's mask.
  std::ifstream status("/proc/self/status");
  std::string line, own;
  while (std::getline(status, line)) {
    if (line.rfind("Cpus_allowed_list:", 0) == 0) own = line;
  }
  own.erase(std::remove(own.begin(), own.end(), '\t'), own.end());
  EXPECT_CONTAINS(read_file(f.run_dir("threads1") / "calls"), own + "\n");
}

}  // namespace
}  // namespace sasmlm::test
