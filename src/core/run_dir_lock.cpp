#include "sasmlm/core/run_dir_lock.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <string>

#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"

namespace sasmlm {
namespace fs = std::filesystem;

namespace {

constexpr int kMaxAttempts = 20;  // a holder may remove the file between our open and our flock: try again

std::string host_name() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (::gethostname(buf, sizeof(buf) - 1) != 0) return "?";
  return buf;
}

// "pid=1234 host=node01": what the lock file holds.
std::string owner_text() { return "pid=" + std::to_string(::getpid()) + " host=" + host_name() + "\n"; }

struct Owner {
  long pid = -1;
  std::string host;
};

Owner parse_owner(const std::string& text) {
  Owner o;
  const size_t p = text.find("pid=");
  if (p != std::string::npos) o.pid = std::strtol(text.c_str() + p + 4, nullptr, 10);
  const size_t h = text.find("host=");
  if (h != std::string::npos) {
    o.host = text.substr(h + 5);
    while (!o.host.empty() && (o.host.back() == '\n' || o.host.back() == ' ')) o.host.pop_back();
  }
  return o;
}

std::string read_fd(int fd) {
  std::string text;
  char buf[256];
  ssize_t n;
  off_t at = 0;
  while ((n = ::pread(fd, buf, sizeof(buf), at)) > 0 && text.size() < 4096) {
    text.append(buf, size_t(n));
    at += n;
  }
  return text;
}

[[noreturn]] void throw_in_use(const fs::path& dir, const fs::path& path, const Owner& owner) {
  const std::string who = owner.pid > 0 ? "process " + std::to_string(owner.pid) + (owner.host.empty() ? "" : " on " + owner.host)
                                        : "another process";
  throw UserError(dir.string() + ": run directory in use by " + who + " (lock file " + path.string() +
                  ") (hint: wait for that run to end or stop it, or choose another run.dir)");
}

void write_owner(int fd, const fs::path& path) {
  const std::string text = owner_text();
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text.data(), text.size(), 0) != ssize_t(text.size())) {
    const int err = errno;
    throw UserError("cannot write lock file " + path.string() + ": " + std::strerror(err) +
                    " (hint: is the disk full or read-only?)");
  }
}

bool same_file(int fd, const fs::path& path) {
  struct stat a{}, b{};
  return ::fstat(fd, &a) == 0 && ::stat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

bool flock_unsupported(int err) { return err == ENOLCK || err == EOPNOTSUPP || err == ENOSYS || err == EINVAL; }

}  // namespace

std::unique_ptr<RunDirLock> RunDirLock::acquire(const fs::path& dir) {
  const fs::path path = dir / kRunDirLockFile;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
      const int err = errno;
      throw UserError("cannot create lock file " + path.string() + ": " + std::strerror(err) +
                      (err == ELOOP ? " (it is a symbolic link; remove it)" : " (hint: is run.dir writable?)"));
    }
    struct stat st{};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      throw UserError("lock file " + path.string() + " is not a regular file (hint: remove it)");
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      if (err == EWOULDBLOCK) {
        const Owner owner = parse_owner(read_fd(fd));
        ::close(fd);
        throw_in_use(dir, path, owner);
      }
      if (!flock_unsupported(err)) {
        ::close(fd);
        throw UserError("cannot lock " + path.string() + ": " + std::strerror(err));
      }
      // No flock on this file system: the file's existence is the lock. It existed (we may have just created it:
      // then it is empty); a live owner on this host keeps it, anything else is stale.
      const Owner owner = parse_owner(read_fd(fd));
      if (owner.pid > 0 && owner.pid != ::getpid() &&
          (owner.host != host_name() || ::kill(pid_t(owner.pid), 0) == 0 || errno != ESRCH)) {
        ::close(fd);
        throw_in_use(dir, path, owner);
      }
      if (owner.pid > 0) log_info("taking over the stale lock of process ", owner.pid, " (no longer running): ", path.string());
      write_owner(fd, path);
      ::close(fd);
      return std::unique_ptr<RunDirLock>(new RunDirLock(path, -1));
    }
    // A holder that was ending may have removed the file between our open and our flock: then we lock an orphan.
    if (!same_file(fd, path)) {
      ::close(fd);
      continue;
    }
    const Owner previous = parse_owner(read_fd(fd));
    if (previous.pid > 0) {
      log_info("taking over the stale lock of process ", previous.pid,
               previous.host.empty() ? "" : " on " + previous.host, " (it ended without releasing it): ", path.string());
    }
    write_owner(fd, path);
    return std::unique_ptr<RunDirLock>(new RunDirLock(path, fd));
  }
  throw UserError("cannot lock " + path.string() + ": it keeps being replaced by other processes");
}

RunDirLock::~RunDirLock() {
  // Remove first, then release: a process waiting on the old file sees it gone and retries on a fresh one.
  ::unlink(path_.c_str());
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace sasmlm
