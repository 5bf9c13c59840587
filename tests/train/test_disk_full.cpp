// A full disk while `sasmlm train` writes a checkpoint and while `sasmlm prepare` writes shards: one clear error
// line (path, errno text, a hint), exit code 2, the earlier checkpoints / preparation intact and loadable, and no
// half-written file under a final name.
//
// The small disk is a tmpfs mounted inside the test's temp dir (needs root and a mount-permitting container). Where
// mounting is refused, or SASMLM_TEST_NO_MOUNT=1, the child runs under RLIMIT_FSIZE instead (SIGXFSZ ignored, so the
// write fails with EFBIG): a per-file rather than per-disk limit, but the same write path and error handling.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sasmlm/core/error.h"
#include "sasmlm/data/manifest.h"
#include "sasmlm/data/shard.h"
#include "sasmlm/train/checkpoint.h"
#include "test_util.h"

namespace sasmlm {
namespace fs = std::filesystem;
namespace {

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A directory whose free space the test can shrink: a tmpfs mount, or else a file size limit for the children.
class LimitedDir {
 public:
  explicit LimitedDir(const fs::path& parent) : path_(parent / "small_disk") {
    fs::create_directories(path_);
    if (std::getenv("SASMLM_TEST_NO_MOUNT") == nullptr) {
      mounted_ = ::mount("tmpfs", path_.c_str(), "tmpfs", 0, "size=64m") == 0;
    }
  }
  ~LimitedDir() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  const fs::path& path() const { return path_; }
  std::string mechanism() const { return mounted_ ? "tmpfs" : "RLIMIT_FSIZE"; }
  // The errno a write past the limit fails with.
  int expected_errno() const { return mounted_ ? ENOSPC : EFBIG; }

  // From now on only `room` more bytes fit (tmpfs), or no single file may exceed `room` bytes (rlimit).
  void limit(uint64_t room) {
    if (mounted_) {
      struct statvfs st {};
      ASSERT_EQ(::statvfs(path_.c_str(), &st), 0);
      remount(uint64_t(st.f_blocks - st.f_bfree) * st.f_frsize + room);
    } else {
      file_limit_ = room;
    }
  }
  void unlimit() {
    if (mounted_) remount(uint64_t(64) << 20);
    file_limit_ = 0;
  }

  // Runs the CLI with the limit applied to the child only.
  test::CliResult run(const std::vector<std::string>& args) const {
    const fs::path out = path_.parent_path() / "child.out", err = path_.parent_path() / "child.err";
    std::fflush(nullptr);  // or the child flushes our buffered output a second time
    pid_t pid = ::fork();
    if (pid == 0) {
      std::freopen(out.c_str(), "w", stdout);
      std::freopen(err.c_str(), "w", stderr);
      if (file_limit_ > 0) {
        ::signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl {rlim_t(file_limit_), rlim_t(file_limit_)};
        ::setrlimit(RLIMIT_FSIZE, &rl);
      }
      const char* cli = std::getenv("SASMLM_CLI");
      std::vector<std::string> all{cli};
      all.insert(all.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (auto& a : all) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(cli, argv.data());
      ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    test::CliResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
  }

 private:
  void remount(uint64_t bytes) {
    const std::string opts = "size=" + std::to_string(bytes);
    ASSERT_EQ(::mount("tmpfs", path_.c_str(), "tmpfs", MS_REMOUNT, opts.c_str()), 0) << std::strerror(errno);
  }

  fs::path path_;
  bool mounted_ = false;
  uint64_t file_limit_ = 0;
};

std::string config_text(const fs::path& run_dir, const fs::path& prepared) {
  const fs::path corpus = test::synth_corpus(1500, 10);
  return "run: {dir: " + run_dir.string() + ", seed: 3}\n"
         "data: {train: [" + (corpus / "train.conllu").string() + "], dev: [" + (corpus / "dev.conllu").string() +
         "], prepared_dir: " + prepared.string() + ", max_seq_len: 64, shard_sequences: 100}\n"
         "tokenizer: {vocab_size: 400}\n"
         "model: {preset: tiny, layers: 2, hidden: 64, heads: 2}\n"
         "trainer: {max_steps: 10, batch_size: 8, lr: 0.001, warmup_steps: 2, log_every: 5, threads: 1}\n"
         "checkpoint: {every: 5, keep_last: 2}\n"
         "logging: {level: warn}\n";
}

std::vector<std::string> files_named_like(const fs::path& dir, const std::string& part) {
  std::vector<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.find(part) != std::string::npos) out.push_back(entry.path().string());
  }
  return out;
}

}  // namespace

TEST(DiskFull, DuringACheckpointWriteKeepsTheEarlierCheckpointsAndSaysWhy) {
  test::TempDir dir;
  LimitedDir disk(dir.path());
  std::cout << "[ disk     ] small disk: " << disk.mechanism() << std::endl;
  const fs::path cfg = dir / "cfg.yaml", ckpts = disk.path() / "run" / "checkpoints";
  test::write_text(cfg, config_text(disk.path() / "run", dir / "prepared"));
  auto first = disk.run({"train", "--config", cfg.string()});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const uint64_t ckpt_bytes = fs::file_size(ckpts / checkpoint_name(10));

  // Half a checkpoint of room: the checkpoint at step 15 cannot be written.
  disk.limit(ckpt_bytes / 2);
  auto full = disk.run({"train", "--config", cfg.string(), "--resume", "auto", "--set", "trainer.max_steps=20"});
  EXPECT_EQ(full.exit_code, kExitUserError) << full.err;
  const std::string target = (ckpts / checkpoint_name(15)).string();
  EXPECT_EQ(full.err.rfind("error: cannot write " + target + ": " + std::strerror(disk.expected_errno()) +
                               " (hint: free disk space there, or write elsewhere)\n",
                           0),
            0u)
      << full.err;
  EXPECT_FALSE(fs::exists(target));
  EXPECT_TRUE(files_named_like(ckpts, ".tmp.").empty()) << "a temporary file was left behind";
  const auto kept = list_checkpoints(ckpts.string());
  ASSERT_EQ(kept.size(), 2u);
  for (const auto& path : kept) EXPECT_NO_THROW(read_checkpoint(path)) << path;

  // With room again the run resumes from the last good checkpoint and finishes.
  disk.unlimit();
  auto resumed = disk.run({"train", "--config", cfg.string(), "--resume", "auto", "--set", "trainer.max_steps=20",
                           "--set", "logging.level=info"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("at step 10"), std::string::npos) << resumed.err;
}

TEST(DiskFull, DuringShardWritingKeepsTheEarlierPreparationAndSaysWhy) {
  test::TempDir dir;
  LimitedDir disk(dir.path());
  std::cout << "[ disk     ] small disk: " << disk.mechanism() << std::endl;
  const fs::path cfg = dir / "cfg.yaml", prepared = disk.path() / "prepared";
  test::write_text(cfg, config_text(dir / "run", prepared));
  auto first = disk.run({"prepare", "--config", cfg.string()});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const Manifest before = read_manifest(prepared.string());
  uint64_t largest = 0;
  for (const auto& [name, split] : before.splits) {
    for (const auto& shard : split.shards) largest = std::max(largest, shard.bytes);
  }
  ASSERT_GT(before.splits.at("train").shards.size(), 1u) << "the corpus should span several shards";

  // A setting change forces a new preparation, which has room for about half a shard.
  disk.limit(largest / 2);
  auto full = disk.run({"prepare", "--config", cfg.string(), "--set", "data.max_seq_len=48"});
  EXPECT_EQ(full.exit_code, kExitUserError) << full.err;
  EXPECT_EQ(full.err.rfind("error: cannot write " + prepared.string() + "/", 0), 0u) << full.err;
  EXPECT_NE(full.err.find(std::string(": ") + std::strerror(disk.expected_errno()) +
                          " (hint: free disk space there, or write elsewhere)\n"),
            std::string::npos)
      << full.err;
  EXPECT_EQ(std::count(full.err.begin(), full.err.end(), '\n'), 1) << full.err;

  // The earlier preparation is untouched: same manifest, every shard verifies; nothing staged or temporary remains.
  const Manifest after = read_manifest(prepared.string());
  EXPECT_EQ(after.to_json(), before.to_json());
  for (const auto& [name, split] : after.splits) {
    for (const auto& shard : split.shards) {
      const fs::path path = prepared / shard.path;
      EXPECT_EQ(fs::file_size(path), shard.bytes) << path;
      EXPECT_NO_THROW(ShardReader reader(path.string())) << path;
    }
  }
  EXPECT_TRUE(files_named_like(prepared, ".staging-").empty());
  EXPECT_TRUE(files_named_like(prepared, ".tmp.").empty());
}

}  // namespace sasmlm
