// End-to-end runs of the `sasmlm` executable: outputs, exact resume after SIGKILL, graceful stop on SIGUSR1.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/core/tensorboard_events.h"
#include "sasmlm/train/checkpoint.h"
#include "test_util.h"

namespace sasmlm {
namespace fs = std::filesystem;
namespace {


std::string write_config(const fs::path& dir, int64_t max_steps, const std::string& extra = "") {
  const fs::path cfg = dir / "cfg.yaml";
  test::write_text(cfg, "run: {dir: " + (dir / "run").string() + ", seed: 7}\n"
                        "data: {train: [" + (test::synth_corpus(1500, 10) / "train.conllu").string() + "], dev: [" +
                        (test::synth_corpus(1500, 10) / "dev.conllu").string() + "], prepared_dir: " +
                        (dir / "prepared").string() + ", max_seq_len: 64}\n"
                        "tokenizer: {vocab_size: 400}\n"
                        "model: {preset: tiny, layers: 2, hidden: 64, heads: 2}\n"
                        "sas: {schedule: [{until: 10, lambda: 0.01}, {lambda: -0.01}]}\n"
                        "trainer: {max_steps: " + std::to_string(max_steps) + ", batch_size: 8, lr: 0.001, "
                        "warmup_steps: 5, log_every: 1, threads: 1}\n"
                        "checkpoint: {every: 5, keep_last: 2}\n"
                        "logging: {level: warn}\n" + extra);
  return cfg.string();
}

std::vector<nlohmann::json> training_records(const fs::path& run) {
  std::vector<nlohmann::json> out;
  std::ifstream in(run / "metrics.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    if (!j.contains("split")) out.push_back(j);
  }
  return out;
}

int64_t last_step(const fs::path& run) {
  std::ifstream in(run / "metrics.jsonl");
  std::string line, last;
  while (std::getline(in, line)) last = line;
  try {
    return last.empty() ? 0 : nlohmann::json::parse(last).value("step", int64_t(0));
  } catch (...) {
    return 0;
  }
}

// Starts `sasmlm args...` as a child process (no shell), output to files in `dir`.
pid_t spawn_cli(const std::vector<std::string>& args, const fs::path& dir) {
  pid_t pid = fork();
  if (pid == 0) {
    freopen((dir / "child.out").c_str(), "w", stdout);
    freopen((dir / "child.err").c_str(), "w", stderr);
    std::vector<char*> argv;
    const char* cli = std::getenv("SASMLM_CLI");
    argv.push_back(const_cast<char*>(cli));
    for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(cli, argv.data());
    _exit(127);
  }
  return pid;
}

// Waits until the run logged at least `step`, or the child exited.
void wait_for_step(pid_t pid, const fs::path& run, int64_t step) {
  for (int i = 0; i < 6000 && last_step(run) < step; ++i) {
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid) FAIL() << "child exited before step " << step;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Trains `cfg` (run in dir/run), SIGKILLs it at a random step after the first checkpoint (step 5) and before
// step 26, then resumes it to the end. Returns the step it was killed at.
int64_t kill_at_random_step_and_resume(const std::string& cfg, const fs::path& dir) {
  std::mt19937 rng(std::random_device{}());
  const int64_t kill_at = 6 + int64_t(rng() % 20);
  pid_t pid = spawn_cli({"train", "--config", cfg}, dir);
  wait_for_step(pid, dir / "run", kill_at);
  kill(pid, SIGKILL);
  EXPECT_EQ(wait_exit(pid), 128 + SIGKILL);
  auto resumed = test::run_cli("train --config " + cfg + " --resume auto");
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  return kill_at;
}

}  // namespace

TEST(TrainingRun, WritesConfigMetricsAndCheckpoints) {
  test::TempDir dir;
  auto r = test::run_cli("train --config " + write_config(dir.path(), 12));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path run = dir / "run";
  EXPECT_TRUE(fs::exists(run / "config.yaml"));
  EXPECT_TRUE(fs::exists(run / "train.log"));
  EXPECT_TRUE(fs::exists(dir / "prepared" / "manifest.json"));
  auto records = training_records(run);
  ASSERT_EQ(records.size(), 12u);
  for (const char* key : {"step", "mlm_loss", "sas_loss", "lambda", "lr", "tokens_per_s"}) {
    EXPECT_TRUE(records[0].contains(key)) << key;
  }
  EXPECT_DOUBLE_EQ(records[0]["lambda"].get<double>(), 0.01);
  EXPECT_DOUBLE_EQ(records[11]["lambda"].get<double>(), -0.01);
  EXPECT_GT(records[0]["sas_loss"].get<double>(), 0.0);
  // keep_last 2 of the periodic checkpoints 5, 10 and the final 12.
  auto ckpts = list_checkpoints((run / "checkpoints").string());
  ASSERT_EQ(ckpts.size(), 2u);
  EXPECT_EQ(fs::path(ckpts[0]).filename(), checkpoint_name(12));
  // A second fresh run into the same directory is refused instead of clobbering it.
  auto again = test::run_cli("train --config " + write_config(dir.path(), 12));
  EXPECT_EQ(again.exit_code, kExitUserError);
  EXPECT_NE(again.err.find("already holds checkpoints"), std::string::npos) << again.err;
}

// With eval.every set, the run writes onsets.json from its dev lines in metrics.jsonl.
TEST(TrainingRun, EvaluatingRunWritesOnsetsFromItsDevLines) {
  test::TempDir dir;
  auto r = test::run_cli("train --config " + write_config(dir.path(), 12, "eval: {every: 2, max_batches: 2}\n"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(dir / "run" / "onsets.json");
  ASSERT_TRUE(in.good()) << "no onsets.json";
  const nlohmann::json onsets = nlohmann::json::parse(in);
  EXPECT_EQ(onsets["source"], "metrics.jsonl");
  EXPECT_EQ(onsets["points"], 6);  // dev lines at steps 2, 4, ..., 12
  for (const char* key : {"structure_onset", "capabilities_onset", "blimp_onset", "loss_drop_onset"}) {
    EXPECT_TRUE(onsets.contains(key)) << key;
  }
  EXPECT_TRUE(onsets["structure_onset"].is_null());  // no eval.uas: no UAS series
}

TEST(TrainingRun, SigkillThenResumeReproducesTheLossesBitForBit) {
  test::TempDir reference, killed;
  const int64_t steps = 30;
  ASSERT_EQ(test::run_cli("train --config " + write_config(reference.path(), steps)).exit_code, 0);
  const int64_t kill_at = kill_at_random_step_and_resume(write_config(killed.path(), steps), killed.path());
  if (HasFailure()) return;
  auto a = training_records(reference / "run"), b = training_records(killed / "run");
  ASSERT_EQ(a.size(), size_t(steps));
  ASSERT_EQ(b.size(), size_t(steps)) << "killed at step " << kill_at;
  for (int64_t i = 0; i < steps; ++i) {
    EXPECT_EQ(a[size_t(i)]["step"], b[size_t(i)]["step"]);
    EXPECT_EQ(a[size_t(i)]["mlm_loss"].get<double>(), b[size_t(i)]["mlm_loss"].get<double>())
        << "step " << i + 1 << " (killed at " << kill_at << ")";
    EXPECT_EQ(a[size_t(i)]["sas_loss"].get<double>(), b[size_t(i)]["sas_loss"].get<double>());
  }
}

// TensorBoard after a kill and a resume: every tag at each step once (the killed run's events after its last
// checkpoint are dropped, as its metrics.jsonl lines are), and every number of metrics.jsonl under some tag.
TEST(TrainingRun, SigkillThenResumeWritesEachTensorBoardStepOnce) {
  test::TempDir dir;
  const int64_t steps = 30;
  const std::string cfg = write_config(dir.path(), steps, "eval: {every: 5, max_batches: 2}\n");
  const int64_t kill_at = kill_at_random_step_and_resume(cfg, dir.path());
  if (HasFailure()) return;

  std::map<std::string, std::map<int64_t, int>> seen;  // tag -> step -> times
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir / "run" / "tb")) {
    if (!entry.is_regular_file()) continue;
    ++files;
    bool intact = false;
    for (const TensorBoardEvent& event : read_tensorboard_events(entry.path().string(), &intact)) {
      for (const auto& [tag, value] : event.scalars) ++seen[tag][event.step];
      for (const std::string& tag : event.other_tags) ++seen[tag][event.step];
    }
    EXPECT_TRUE(intact) << entry.path();
  }
  EXPECT_EQ(files, 2) << "one event file per session";
  for (const auto& [tag, steps_seen] : seen) {
    for (const auto& [step, times] : steps_seen) {
      EXPECT_EQ(times, 1) << tag << " at step " << step << " (killed at " << kill_at << ")";
    }
  }
  EXPECT_EQ(seen["train/mlm_loss"].size(), size_t(steps));
  EXPECT_EQ(seen["dev/mlm_loss"].size(), size_t(steps / 5));
  EXPECT_EQ(seen["_hparams_/session_start_info"].size(), 1u);
  // Every number in metrics.jsonl has a tag: train/<key> and dev/<key> (nested ones under dev_<key>/...).
  std::ifstream in(dir / "run" / "metrics.jsonl");
  for (std::string line; std::getline(in, line);) {
    const nlohmann::json record = nlohmann::json::parse(line);
    const std::string group = record.contains("split") ? "dev" : "train";
    for (const auto& [key, value] : record.items()) {
      if (key == "step" || !value.is_number()) continue;
      EXPECT_TRUE(seen.count(group + "/" + key)) << group << "/" << key;
    }
  }
}

TEST(TrainingRun, SigusrWritesACheckpointExitsSeventyFiveAndResumes) {
  test::TempDir dir;
  const std::string cfg = write_config(dir.path(), 40);
  pid_t pid = spawn_cli({"train", "--config", cfg}, dir.path());
  wait_for_step(pid, dir / "run", 7);
  kill(pid, SIGUSR1);
  EXPECT_EQ(wait_exit(pid), kExitInterrupted);
  const int64_t stopped = last_step(dir / "run");
  auto ckpts = list_checkpoints((dir / "run" / "checkpoints").string());
  ASSERT_FALSE(ckpts.empty());
  EXPECT_EQ(fs::path(ckpts[0]).filename(), checkpoint_name(stopped)) << "checkpoint at the stop step";
  auto resumed = test::run_cli("train --config " + cfg + " --resume auto");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(training_records(dir / "run").size(), 40u);
}

TEST(TrainingRun, CorruptNewestCheckpointIsSkippedWithAWarningNamingIt) {
  test::TempDir dir;
  const std::string cfg = write_config(dir.path(), 10);
  ASSERT_EQ(test::run_cli("train --config " + cfg).exit_code, 0);
  const fs::path newest = dir / "run" / "checkpoints" / checkpoint_name(10);
  std::string bytes = read_file(newest);
  write_file_atomic(newest, bytes.substr(0, bytes.size() - 10));
  auto r = test::run_cli("train --config " + cfg + " --set trainer.max_steps=12 --set logging.level=info --resume auto");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("skipping corrupt checkpoint: " + newest.string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("at step 5"), std::string::npos) << r.err;
}

TEST(TrainingRun, BadInputIsOneErrorLineAndExitCodeTwo) {
  test::TempDir dir;
  // Missing config file.
  auto r = test::run_cli("train --config " + (dir / "nope.yaml").string());
  EXPECT_EQ(r.exit_code, kExitUserError);
  EXPECT_EQ(r.err, "error: config file not found: " + (dir / "nope.yaml").string() + "\n");
  // Missing data file.
  const std::string cfg = write_config(dir.path(), 5);
  const std::string missing = (dir / "missing.conllu").string();
  r = test::run_cli("train --config " + cfg + " --set data.train=[" + missing + "]");
  EXPECT_EQ(r.exit_code, kExitUserError);
  EXPECT_EQ(r.err, "error: data.train[0]: CoNLL-U file not found: " + missing + "\n");
  // Unknown key through --set.
  r = test::run_cli("train --config " + cfg + " --set trainer.max_step=3");
  EXPECT_EQ(r.exit_code, kExitUserError);
  EXPECT_EQ(r.err, "error: --set: trainer.max_step: unknown key (did you mean 'max_steps'?)\n");
  // Unknown option and unknown command.
  r = test::run_cli("train --confg x");
  EXPECT_EQ(r.exit_code, kExitUserError);
  EXPECT_EQ(r.err, "error: sasmlm train: unknown option --confg (did you mean --config?)\n");
  r = test::run_cli("trian");
  EXPECT_EQ(r.err, "error: unknown command 'trian' (did you mean 'train'?)\n");
}

TEST(TrainingRun, HelpAndVersion) {
  auto r = test::run_cli("--help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* cmd : {"synth", "prepare", "train"}) EXPECT_NE(r.out.find(std::string("  ") + cmd), std::string::npos);
  r = test::run_cli("train --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--resume auto|PATH"), std::string::npos);
  r = test::run_cli("--version");
  EXPECT_EQ(r.out.rfind("sasmlm " SASMLM_VERSION, 0), 0u) << r.out;
}

}  // namespace sasmlm
