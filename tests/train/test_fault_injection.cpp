// Fault injection: 20 SIGKILLs at seeded random moments of a real `sasmlm train` run, some of them inside a checkpoint
// write (SASMLM_TEST_SLOW_WRITE_MS holds the partial temporary file open long enough to be hit). After every kill
// every file under a checkpoint name must load, `--resume auto` must pick the newest of them, and the finished run
// must reproduce the losses of an uninterrupted run bit for bit. SASMLM_FAULT_SEED=N replays a failing sequence.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "sasmlm/core/error.h"
#include "sasmlm/train/checkpoint.h"
#include "test_util.h"

namespace sasmlm {
namespace fs = std::filesystem;
namespace {

constexpr int kTrials = 20;
constexpr int64_t kSteps = 100;  // more than 20 trials can use up: each advances a few steps
constexpr int64_t kEvery = 2;
constexpr int kSlowWriteMs = 40;

std::string write_config(const fs::path& dir, const fs::path& prepared) {
  const fs::path corpus = test::synth_corpus(1500, 10);
  const fs::path cfg = dir / "cfg.yaml";
  test::write_text(cfg, "run: {dir: " + (dir / "run").string() + ", seed: 11}\n"
                        "data: {train: [" + (corpus / "train.conllu").string() + "], dev: [" +
                        (corpus / "dev.conllu").string() + "], prepared_dir: " + prepared.string() +
                        ", max_seq_len: 32}\n"
                        "tokenizer: {vocab_size: 400}\n"
                        "model: {preset: tiny, layers: 2, hidden: 64, heads: 2}\n"
                        "sas: {schedule: [{until: 20, lambda: 0.01}, {lambda: -0.01}]}\n"
                        "trainer: {max_steps: " + std::to_string(kSteps) + ", batch_size: 4, lr: 0.001, "
                        "warmup_steps: 5, log_every: 1, threads: 1}\n"
                        "checkpoint: {every: " + std::to_string(kEvery) + ", keep_last: 3}\n"
                        "logging: {level: info}\n");
  return cfg.string();
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<nlohmann::json> training_records(const fs::path& run) {
  std::vector<nlohmann::json> out;
  std::istringstream in(slurp(run / "metrics.jsonl"));
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && !j.contains("split")) out.push_back(j);
  }
  return out;
}

int64_t last_step(const fs::path& run) {
  auto records = training_records(run);
  return records.empty() ? 0 : records.back().value("step", int64_t(0));
}

// `sasmlm train --config cfg --resume auto` as a child with the slow-write hook; stderr to `err` (a fresh file per
// child: polling a previous child's log would fire the kill early).
pid_t spawn_train(const std::string& cfg, const fs::path& err) {
  std::fflush(nullptr);  // or the child flushes our buffered output a second time
  pid_t pid = fork();
  if (pid == 0) {
    std::freopen("/dev/null", "w", stdout);
    std::freopen(err.c_str(), "w", stderr);
    ::setenv("SASMLM_TEST_SLOW_WRITE_MS", std::to_string(kSlowWriteMs).c_str(), 1);
    const char* cli = std::getenv("SASMLM_CLI");
    std::vector<std::string> args{cli, "train", "--config", cfg, "--resume", "auto"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(cli, argv.data());
    ::_exit(127);
  }
  return pid;
}

// True once the child exited (status stored), false while it runs.
bool exited(pid_t pid, int* status) { return ::waitpid(pid, status, WNOHANG) == pid; }

using Clock = std::chrono::steady_clock;

// Polls `done` every millisecond until it holds, the child exits, or 60 s pass; true when `done` held.
template <class Pred>
bool wait_until(pid_t pid, int* status, bool* child_exited, Pred done) {
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (Clock::now() < deadline) {
    if (done()) return true;
    if (exited(pid, status)) {
      *child_exited = true;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

// The step `--resume auto` reported in the child's log, or -1 when it got killed before saying.
int64_t resumed_step(const fs::path& err_file) {
  const std::string err = slurp(err_file);
  if (err.find("no valid checkpoint") != std::string::npos) return 0;
  const size_t at = err.find("resumed from ");
  if (at == std::string::npos) return -1;
  const size_t step = err.find(" at step ", at);
  return step == std::string::npos ? -1 : std::stoll(err.substr(step + 9));
}

// Every file under a checkpoint name must be complete; returns the newest step (0 when none).
int64_t newest_complete_checkpoint(const fs::path& dir, const std::string& trial) {
  int64_t newest = 0;
  for (const std::string& path : list_checkpoints(dir.string())) {
    try {
      read_checkpoint(path);
      newest = std::max(newest, int64_t(std::stoll(fs::path(path).stem().string().substr(5))));  // step_%08d
    } catch (const UserError& e) {
      ADD_FAILURE() << trial << ": a partial file under a checkpoint name: " << e.what();
    }
  }
  return newest;
}

// Whether the killed process `pid` left a partial checkpoint behind (its temporary file).
bool left_partial_checkpoint(const fs::path& dir, pid_t pid) {
  const std::string suffix = ".ckpt.tmp." + std::to_string(pid);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST(FaultInjection, TwentySigkillsIncludingInsideCheckpointWritesNeverLoseOrLoadAPartialCheckpoint) {
  uint64_t seed = std::random_device{}();
  if (const char* env = std::getenv("SASMLM_FAULT_SEED")) seed = std::stoull(env);
  RecordProperty("fault_seed", std::to_string(seed));
  std::cout << "[ fault    ] seed " << seed << " (replay with SASMLM_FAULT_SEED=" << seed << ")" << std::endl;
  SCOPED_TRACE("SASMLM_FAULT_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);

  test::TempDir reference, killed;
  const fs::path prepared = reference / "prepared";
  auto ref = test::run_cli("train --config " + write_config(reference.path(), prepared) + " --set logging.level=warn");
  ASSERT_EQ(ref.exit_code, 0) << ref.err;
  const std::string cfg = write_config(killed.path(), prepared);
  const fs::path run = killed / "run", ckpts = run / "checkpoints";

  int64_t expected_resume = 0;  // newest complete checkpoint before this trial
  int inside_write = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    // Three kinds of moment: inside the write of a chosen checkpoint, a few ms after a chosen step was logged,
    // and a random time after the start (loading, resuming, rewriting metrics.jsonl).
    // Every moment lies within a few steps of the resume point, so the run never finishes before the last kill.
    ASSERT_LT(expected_resume, kSteps - 12) << "the trials used up the run";
    const int kind = trial % 3;
    const int64_t target = expected_resume + 1 + int64_t(rng() % 4);
    const int64_t ckpt_target = (expected_resume / kEvery + 1 + int64_t(rng() % 2)) * kEvery;
    const int delay_ms = int(rng() % (kind == 2 ? 1500 : 5));
    const std::string what = "trial " + std::to_string(trial) + " kind " + std::to_string(kind);

    const fs::path err = killed / ("child_" + std::to_string(trial) + ".err");
    pid_t pid = spawn_train(cfg, err);
    int status = 0;
    bool child_exited = false;
    bool reached = true;
    if (kind == 0) {
      char name[64];
      std::snprintf(name, sizeof(name), "step_%08lld.ckpt.tmp.%d", static_cast<long long>(ckpt_target), int(pid));
      const fs::path tmp = ckpts / name;
      reached = wait_until(pid, &status, &child_exited, [&] { return fs::exists(tmp); });
    } else {
      // Wait for this child's own records (it rewrites metrics.jsonl at resume, dropping steps past the checkpoint);
      // kind 2 fires after `delay_ms` or at the target step, whichever comes first.
      const auto start = Clock::now();
      reached = wait_until(pid, &status, &child_exited, [&] {
        if (kind == 2 && Clock::now() - start >= std::chrono::milliseconds(delay_ms)) return true;
        return resumed_step(err) >= 0 && last_step(run) >= target;
      });
    }
    ASSERT_FALSE(child_exited) << what << ": the run ended before the kill, exit status " << status << "\n"
                               << slurp(err);
    ASSERT_TRUE(reached) << what << ": timed out waiting for the kill moment\n" << slurp(err);
    if (kind != 2) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    if (WIFEXITED(status)) FAIL() << what << ": exited " << WEXITSTATUS(status) << " before the kill";

    const int64_t resumed = resumed_step(err);
    if (resumed >= 0) {
      EXPECT_EQ(resumed, expected_resume) << what << ": resumed from the wrong checkpoint";
    }
    EXPECT_EQ(slurp(err).find("skipping corrupt checkpoint"), std::string::npos) << what;
    if (left_partial_checkpoint(ckpts, pid)) ++inside_write;
    expected_resume = newest_complete_checkpoint(ckpts, what);
  }
  std::cout << "[ fault    ] " << inside_write << " of " << kTrials << " kills left a partial checkpoint file"
            << std::endl;
  EXPECT_GE(inside_write, kTrials / 3) << "kind-0 kills must land inside a checkpoint write";

  // The last resume runs to the end; stray temporary files must not have been picked up.
  auto finish = test::run_cli("train --config " + cfg + " --resume auto");
  ASSERT_EQ(finish.exit_code, 0) << finish.err;
  EXPECT_NE(finish.err.find(expected_resume == 0 ? std::string("no valid checkpoint")
                                                 : " at step " + std::to_string(expected_resume)),
            std::string::npos)
      << finish.err;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(ckpts, ec)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos)
        << "partial checkpoint of a killed run not cleaned up: " << entry.path();
  }
  auto a = training_records(reference / "run"), b = training_records(run);
  ASSERT_EQ(a.size(), size_t(kSteps));
  ASSERT_EQ(b.size(), size_t(kSteps));
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i]["step"], b[i]["step"]);
    EXPECT_EQ(a[i]["mlm_loss"].get<double>(), b[i]["mlm_loss"].get<double>()) << "step " << i + 1;
    EXPECT_EQ(a[i]["sas_loss"].get<double>(), b[i]["sas_loss"].get<double>()) << "step " << i + 1;
  }
}

}  // namespace sasmlm
