// Nothing may corrupt a run directory (issue 23): one owner per run.dir (two trainers), a resume that finds only
// damaged checkpoints changes nothing, and retention counts only checkpoints that verify. The run directory's files
// are compared by CRC-32 before and after wherever nothing may change.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "sasmlm/core/checksum.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/core/run_dir_lock.h"
#include "sasmlm/train/checkpoint.h"
#include "test_util.h"

namespace sasmlm {
namespace fs = std::filesystem;
namespace {

std::string write_config(const fs::path& dir, int64_t max_steps, int64_t every) {
  const fs::path corpus = test::synth_corpus(300, 5);
  const fs::path cfg = dir / "cfg.yaml";
  test::write_text(cfg, "run: {dir: " + (dir / "run").string() + ", seed: 7}\n"
                        "data: {train: [" + (corpus / "train.conllu").string() + "], dev: [" +
                        (corpus / "dev.conllu").string() + "], prepared_dir: " + (dir / "run" / "prepared").string() +
                        ", max_seq_len: 64}\n"
                        "tokenizer: {vocab_size: 300}\n"
                        "model: {preset: tiny, layers: 2, hidden: 64, heads: 2}\n"
                        "trainer: {max_steps: " + std::to_string(max_steps) + ", batch_size: 4, warmup_steps: 1, "
                        "threads: 1, log_every: 1}\n"
                        "checkpoint: {every: " + std::to_string(every) + ", keep_last: 3}\n"
                        "eval: {every: 0}\n"
                        "logging: {level: warn, tensorboard: false}\n");
  return cfg.string();
}

// Path (relative to `dir`) -> CRC-32 of every regular file below it.
std::map<std::string, uint32_t> checksums(const fs::path& dir) {
  std::map<std::string, uint32_t> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = crc32_file(e.path().string());
  }
  return out;
}

std::string host_name() {
  char buf[HOST_NAME_MAX + 1] = {};
  ::gethostname(buf, sizeof(buf) - 1);
  return buf;
}

std::string in_use_error(const fs::path& run, long pid) {
  return "error: " + run.string() + ": run directory in use by process " + std::to_string(pid) + " on " +
         host_name() + " (lock file " + (run / "train.lock").string() +
         ") (hint: wait for that run to end or stop it, or choose another run.dir)\n";
}

pid_t spawn(const std::vector<std::string>& args, const fs::path& err) {
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    std::freopen("/dev/null", "w", stdout);
    std::freopen(err.c_str(), "w", stderr);
    const char* cli = std::getenv("SASMLM_CLI");
    std::vector<std::string> all{cli};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(cli, argv.data());
    ::_exit(127);
  }
  return pid;
}

std::string lock_text(const fs::path& run) {
  std::ifstream in(run / "train.lock");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text;
}

}  // namespace

// A trainer holds run.dir (here: this test process, through the same lock the trainer takes); a second `train` on it
// exits 2 naming the holder and changes no file of the run directory.
TEST(RunDirLock, SecondTrainerExitsTwoNamingTheHolderAndChangesNothing) {
  test::TempDir dir;
  const std::string cfg = write_config(dir.path(), 2, 1);
  const fs::path run = dir / "run";
  ASSERT_EQ(test::run_cli("train --config " + cfg).exit_code, 0);
  EXPECT_FALSE(fs::exists(run / "train.lock")) << "a finished run releases and removes its lock";
  {
    auto lock = RunDirLock::acquire(run);
    const auto before = checksums(run);
    ASSERT_TRUE(before.count("train.lock"));
    for (const char* resume : {"", " --resume auto"}) {
      const auto r = test::run_cli("train --config " + cfg + resume + " --set trainer.max_steps=4");
      EXPECT_EQ(r.exit_code, kExitUserError) << r.err;
      EXPECT_EQ(r.err, in_use_error(run, ::getpid()));
    }
    EXPECT_EQ(checksums(run), before);
  }
  EXPECT_FALSE(fs::exists(run / "train.lock"));
  const auto r = test::run_cli("train --config " + cfg + " --resume auto --set trainer.max_steps=3");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// Two real trainers on one run.dir: the second exits 2 naming the first's pid, and the run directory holds the first
// run's records only (one step sequence, its config), after the first stops cleanly.
TEST(RunDirLock, TwoTrainersOnOneRunDirTheSecondExitsTwo) {
  test::TempDir dir;
  const std::string cfg = write_config(dir.path(), 1000000, 50);
  const fs::path run = dir / "run";
  const pid_t first = spawn({"train", "--config", cfg}, dir / "first.err");
  // The trainer takes the lock before it writes config.yaml: wait for its first step record, by which time the
  // lock names it and the config is on disk (waiting for the lock alone raced with that write on a busy CI host).
  const auto first_step_logged = [&] {
    std::ifstream in(run / "metrics.jsonl");
    std::string line;
    return static_cast<bool>(std::getline(in, line)) && !line.empty() && line.back() == '}';
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!first_step_logged() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(first_step_logged()) << "the first trainer logged no step in 120 s; its stderr: "
                                   << read_file(dir / "first.err");
  ASSERT_NE(lock_text(run).find("pid=" + std::to_string(first)), std::string::npos) << lock_text(run);
  const std::string config_before = read_file(run / "config.yaml");
  const auto second = test::run_cli("train --config " + cfg + " --resume auto --set run.seed=8");
  EXPECT_EQ(second.exit_code, kExitUserError) << second.err;
  EXPECT_EQ(second.err, in_use_error(run, first));
  ::kill(first, SIGTERM);
  int status = 0;
  ASSERT_EQ(::waitpid(first, &status, 0), first);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), kExitInterrupted);
  EXPECT_EQ(read_file(run / "config.yaml"), config_before);
  EXPECT_EQ(read_file(run / "config.yaml").find("seed: 8"), std::string::npos);
  std::ifstream in(run / "metrics.jsonl");
  std::string line;
  int64_t expected = 1;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j.at("step").get<int64_t>(), expected++) << line;
  }
  EXPECT_GT(expected, 1);
  EXPECT_FALSE(fs::exists(run / "train.lock"));
}

// A holder killed without releasing (SIGKILL, node crash) leaves a stale lock file; the next owner takes it over.
TEST(RunDirLock, StaleLockOfADeadProcessIsTakenOver) {
  test::TempDir dir;
  std::fflush(nullptr);
  const pid_t child = fork();
  if (child == 0) {
    auto lock = RunDirLock::acquire(dir.path());
    ::kill(::getpid(), SIGKILL);  // dies holding it: no destructor runs
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  ASSERT_NE(lock_text(dir.path()).find("pid=" + std::to_string(child)), std::string::npos);
  auto lock = RunDirLock::acquire(dir.path());
  EXPECT_NE(lock_text(dir.path()).find("pid=" + std::to_string(::getpid())), std::string::npos);
  // Held by a live process (this one, through another descriptor): refused, naming it.
  try {
    RunDirLock::acquire(dir.path());
    FAIL() << "a second acquire must fail";
  } catch (const UserError& e) {
    EXPECT_EQ("error: " + std::string(e.what()) + "\n", in_use_error(dir.path(), ::getpid()));
  }
}

// --resume auto finds checkpoints but none verifies (one truncated, one with a flipped byte, one too long): exit 2,
// each file named with its problem, and no file of the run directory changed (metrics.jsonl, config.yaml,
// checkpoints, prepared data, train.log).
TEST(ResumeAuto, EveryCheckpointDamagedStopsWithExitTwoAndChangesNothing) {
  test::TempDir dir;
  const std::string cfg = write_config(dir.path(), 3, 1);
  const fs::path run = dir / "run";
  ASSERT_EQ(test::run_cli("train --config " + cfg).exit_code, 0);
  const fs::path c1 = run / "checkpoints" / checkpoint_name(1), c2 = run / "checkpoints" / checkpoint_name(2),
                 c3 = run / "checkpoints" / checkpoint_name(3);
  ASSERT_TRUE(fs::exists(c1) && fs::exists(c2) && fs::exists(c3));
  const std::string b1 = read_file(c1), b2 = read_file(c2), b3 = read_file(c3);
  test::write_text(c3, b3.substr(0, b3.size() - 10));
  std::string flipped = b2;
  flipped[flipped.size() / 2] ^= 0x01;
  test::write_text(c2, flipped);
  test::write_text(c1, b1 + "junk");
  const auto before = checksums(run);
  const auto r = test::run_cli("train --config " + cfg + " --resume auto --set trainer.max_steps=6");
  EXPECT_EQ(r.exit_code, kExitUserError);
  auto why = [](const fs::path& path) {
    try {
      read_checkpoint(path.string());
    } catch (const UserError& e) {
      return std::string(e.what());
    }
    return std::string("(valid)");
  };
  EXPECT_EQ(why(c3).rfind(c3.string() + ": truncated checkpoint (payload is ", 0), 0u) << why(c3);
  EXPECT_EQ(why(c2).rfind(c2.string() + ": checkpoint checksum mismatch", 0), 0u) << why(c2);
  EXPECT_EQ(why(c1), c1.string() + ": checkpoint is too long (" + std::to_string(b1.size() + 4) +
                         " bytes, the header accounts for " + std::to_string(b1.size()) + "): 4 bytes after the "
                         "checksum (hint: was something appended to it, or another file copied over it?)");
  EXPECT_EQ(r.err, "error: --resume auto: none of the 3 checkpoint(s) in " + (run / "checkpoints").string() +
                       " is valid, so nothing was resumed or changed: " + why(c3) + "; " + why(c2) + "; " + why(c1) +
                       " (hint: --resume PATH loads a checkpoint you choose; to start over, move the checkpoints "
                       "away or choose another run.dir)\n");
  EXPECT_EQ(checksums(run), before);
}

// Retention counts only checkpoints that verify: junk named like the newest checkpoints neither counts toward
// keep_last nor is deleted, and the newest valid checkpoints survive.
TEST(Retention, OnlyVerifyingCheckpointsCountAndTheNewestValidOneSurvives) {
  test::TempDir dir;
  const std::string cfg = write_config(dir.path(), 4, 1);
  const fs::path run = dir / "run", ckpts = run / "checkpoints";
  ASSERT_EQ(test::run_cli("train --config " + cfg + " --set checkpoint.keep_last=2").exit_code, 0);
  ASSERT_TRUE(fs::exists(ckpts / checkpoint_name(4)) && fs::exists(ckpts / checkpoint_name(3)));
  test::write_text(ckpts / checkpoint_name(9), "junk that is not a checkpoint");
  test::write_text(ckpts / checkpoint_name(8), read_file(ckpts / checkpoint_name(4)).substr(0, 100));
  prune_checkpoints(ckpts.string(), 1, {});
  std::vector<std::string> names;
  for (const auto& p : list_checkpoints(ckpts.string())) names.push_back(fs::path(p).filename().string());
  EXPECT_EQ(names, (std::vector<std::string>{checkpoint_name(9), checkpoint_name(8), checkpoint_name(4)}));
  // Through the trainer: --resume auto skips the junk, continues from step 4, and keep_last=2 keeps 6 and 5.
  const auto r = test::run_cli("train --config " + cfg + " --resume auto --set trainer.max_steps=6 "
                               "--set checkpoint.keep_last=2 --set logging.level=error");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  names.clear();
  for (const auto& p : list_checkpoints(ckpts.string())) names.push_back(fs::path(p).filename().string());
  EXPECT_EQ(names, (std::vector<std::string>{checkpoint_name(9), checkpoint_name(8), checkpoint_name(6),
                                             checkpoint_name(5)}));
}

}  // namespace sasmlm
