// Data-parallel training through the CLI: two `sasmlm train` processes joined by Gloo on this machine, compared
// with one process on the same global batch; a killed rank; resuming on a different number of ranks.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "sasmlm/core/error.h"
#include "test_util.h"

namespace sasmlm {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

// Tiny model without dropout: one process and two see the same global batch, so their losses agree to rounding.
std::string write_config(const fs::path& dir, const std::string& run_name, int64_t timeout_s = 30) {
  const fs::path cfg = dir / (run_name + ".yaml");
  test::write_text(cfg, "run: {dir: " + (dir / run_name).string() + ", seed: 11}\n"
                        "data: {train: [" + (test::synth_corpus(600, 10) / "train.conllu").string() + "], prepared_dir: " +
                        (dir / "prepared").string() + ", max_seq_len: 32}\n"
                        "tokenizer: {vocab_size: 400}\n"
                        "model: {preset: tiny, layers: 2, hidden: 64, heads: 2, dropout: 0, attention_dropout: 0}\n"
                        "sas: {schedule: [{lambda: 0.01}]}\n"
                        "trainer: {max_steps: 50, batch_size: 8, lr: 0.002, warmup_steps: 5, decay_horizon: 60, "
                        "log_every: 1, threads: 1}\n"
                        "checkpoint: {every: 10, keep_last: 10}\n"
                        "distributed: {timeout_s: " + std::to_string(timeout_s) + ", bucket_mb: 0.05, "
                        "check_params: true}\n"
                        "logging: {level: info, tensorboard: false}\n");
  return cfg.string();
}

struct Rank {
  pid_t pid = -1;
  fs::path err;
};

// Starts `sasmlm train` as rank `rank` of `world` (torchrun's variables), stderr to dir/rank<r>.err.
Rank spawn_rank(const std::vector<std::string>& args, int rank, int world, int port, const fs::path& dir) {
  Rank r;
  r.err = dir / ("rank" + std::to_string(rank) + ".err");
  r.pid = fork();
  if (r.pid == 0) {
    setenv("RANK", std::to_string(rank).c_str(), 1);
    setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
    setenv("WORLD_SIZE", std::to_string(world).c_str(), 1);
    setenv("MASTER_ADDR", "127.0.0.1", 1);
    setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
    freopen("/dev/null", "w", stdout);
    freopen(r.err.c_str(), "w", stderr);
    const char* cli = std::getenv("SASMLM_CLI");
    std::vector<char*> argv{const_cast<char*>(cli), const_cast<char*>("train")};
    for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(cli, argv.data());
    _exit(127);
  }
  return r;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `sasmlm train args` on two Gloo ranks; expects both to succeed.
void train_two_ranks(const std::vector<std::string>& args, const fs::path& dir) {
  const int port = test::free_port();
  Rank r0 = spawn_rank(args, 0, 2, port, dir), r1 = spawn_rank(args, 1, 2, port, dir);
  EXPECT_EQ(wait_exit(r0.pid), 0) << read_text(r0.err);
  EXPECT_EQ(wait_exit(r1.pid), 0) << read_text(r1.err);
}

void train_one_process(const std::string& args) {
  auto r = test::run_cli("train " + args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
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

// Step-by-step comparison of mlm_loss and sas_loss within `rel` relative difference.
void expect_same_losses(const fs::path& a, const fs::path& b, size_t steps, double rel) {
  auto ra = training_records(a), rb = training_records(b);
  ASSERT_EQ(ra.size(), steps);
  ASSERT_EQ(rb.size(), steps);
  for (size_t i = 0; i < steps; ++i) {
    ASSERT_EQ(ra[i]["step"], rb[i]["step"]);
    for (const char* key : {"mlm_loss", "sas_loss"}) {
      const double x = ra[i][key].get<double>(), y = rb[i][key].get<double>();
      EXPECT_LE(std::abs(x - y), rel * std::abs(x)) << key << " at step " << i + 1 << ": " << x << " vs " << y;
    }
  }
}

TEST(DistTraining, TwoGlooRanksMatchOneProcessAndAgreeOnParameters) {
  test::TempDir dir;
  // Two ranks first: rank 0 prepares the data while rank 1 waits for it.
  train_two_ranks({"--config", write_config(dir.path(), "two")}, dir.path());
  train_one_process("--config " + write_config(dir.path(), "one"));
  expect_same_losses(dir / "one", dir / "two", 50, 1e-4);
  // check_params compared the ranks' parameter checksums at every checkpoint and at the end.
  const std::string log = read_text(dir / "two" / "train.log");
  EXPECT_NE(log.find("distributed: 2 ranks agree on the parameters"), std::string::npos) << log;
  EXPECT_NE(log.find("% overlapped"), std::string::npos);
  EXPECT_EQ(read_text(dir / "rank1.err"), "") << "only rank 0 logs";
}

TEST(DistTraining, KillingOneRankStopsTheOtherWithinTwiceTheTimeout) {
  test::TempDir dir;
  const int64_t timeout_s = 10;
  for (int victim : {1, 0}) {
    const std::string cfg = write_config(dir.path(), "run" + std::to_string(victim), timeout_s);
    const std::vector<std::string> args{"--config", cfg, "--set", "trainer.max_steps=100000"};
    const int port = test::free_port();
    Rank ranks[2] = {spawn_rank(args, 0, 2, port, dir.path()), spawn_rank(args, 1, 2, port, dir.path())};
    const fs::path metrics = dir / ("run" + std::to_string(victim)) / "metrics.jsonl";
    for (int i = 0; i < 3000 && training_records(metrics.parent_path()).size() < 3; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_GE(training_records(metrics.parent_path()).size(), 3u) << read_text(ranks[0].err);
    kill(ranks[victim].pid, SIGKILL);
    const auto killed_at = Clock::now();
    EXPECT_EQ(wait_exit(ranks[victim].pid), 128 + SIGKILL);
    const int survivor = 1 - victim;
    EXPECT_EQ(wait_exit(ranks[survivor].pid), kExitDistributed);
    const double seconds = std::chrono::duration<double>(Clock::now() - killed_at).count();
    EXPECT_LT(seconds, 2.0 * double(timeout_s)) << "victim " << victim;
    const std::string err = read_text(ranks[survivor].err);
    EXPECT_NE(err.find("error: rank " + std::to_string(survivor) + ": "), std::string::npos) << err;
    EXPECT_NE(err.find("lost rank " + std::to_string(victim)), std::string::npos) << err;
  }
}

TEST(DistTraining, ResumingOnAnotherNumberOfRanksContinuesTheDataOrder) {
  test::TempDir dir;
  train_one_process("--config " + write_config(dir.path(), "reference") + " --set trainer.max_steps=20");
  // 2 ranks for 10 steps, then 1 process to 20.
  const std::string two_one = write_config(dir.path(), "two_one");
  train_two_ranks({"--config", two_one, "--set", "trainer.max_steps=10"}, dir.path());
  train_one_process("--config " + two_one + " --set trainer.max_steps=20 --resume auto");
  expect_same_losses(dir / "reference", dir / "two_one", 20, 1e-4);
  EXPECT_NE(read_text(dir / "two_one" / "train.log").find("resuming a run trained on 2 rank(s) with 1"),
            std::string::npos);
  // 1 process for 10 steps, then 2 ranks to 20.
  const std::string one_two = write_config(dir.path(), "one_two");
  train_one_process("--config " + one_two + " --set trainer.max_steps=10");
  train_two_ranks({"--config", one_two, "--set", "trainer.max_steps=20", "--resume", "auto"}, dir.path());
  expect_same_losses(dir / "reference", dir / "one_two", 20, 1e-4);
  EXPECT_NE(read_text(dir / "one_two" / "train.log").find("resuming a run trained on 1 rank(s) with 2"),
            std::string::npos);
}

}  // namespace
}  // namespace sasmlm
