// The owner lock of a run directory: one writer per run.dir.
//
// Two trainers on one run.dir would interleave metrics.jsonl, config.yaml and checkpoints of two runs. The trainer
// (rank 0) takes an exclusive flock on `run.dir/train.lock` before it writes anything there and holds it until the
// process ends; the file holds the owner's pid and host. The kernel releases the flock on any exit, SIGKILL included,
// so a lock file left by a dead process is stale and simply taken over (with an info line naming the old pid). On a
// file system without flock (some Lustre/NFS mounts) the file is created with O_EXCL instead, and a file naming a pid
// that no longer runs on this host counts as stale.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

namespace sasmlm {

constexpr const char* kRunDirLockFile = "train.lock";

class RunDirLock {
 public:
  // Takes the lock of `dir` (which must exist), or throws UserError naming the holder's pid, host and the lock file:
  // "DIR: run directory in use by process PID on HOST (lock file DIR/train.lock) (hint: ...)".
  static std::unique_ptr<RunDirLock> acquire(const std::filesystem::path& dir);

  // Removes the lock file, then releases the lock.
  ~RunDirLock();
  RunDirLock(const RunDirLock&) = delete;
  RunDirLock& operator=(const RunDirLock&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  RunDirLock(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::filesystem::path path_;
  int fd_ = -1;  // -1 when the O_EXCL fallback holds the lock (no flock)
};

}  // namespace sasmlm
