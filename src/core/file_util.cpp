#include "sasmlm/core/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "sasmlm/core/error.h"

namespace sasmlm {
namespace fs = std::filesystem;

namespace {
std::string errno_text() { return std::strerror(errno); }

// A write that failed for lack of space names the remedy; anything else asks the generic question.
std::string write_hint(int err) {
  if (err == ENOSPC || err == EDQUOT || err == EFBIG) return " (hint: free disk space there, or write elsewhere)";
  return " (hint: is the disk full or read-only?)";
}

// Test-only hook: SASMLM_TEST_SLOW_WRITE_MS=N pauses N ms in commit() while the temporary file is still partial
// (its tail unflushed), so tests/train/test_fault_injection.cpp can SIGKILL a process inside a checkpoint write.
void test_slow_write_pause() {
  static const long ms = [] {
    const char* v = std::getenv("SASMLM_TEST_SLOW_WRITE_MS");
    return v == nullptr ? 0L : std::atol(v);
  }();
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}
}  // namespace

AtomicFileWriter::AtomicFileWriter(fs::path path) : path_(std::move(path)) {
  tmp_path_ = path_;
  tmp_path_ += ".tmp." + std::to_string(::getpid());
  file_ = std::fopen(tmp_path_.c_str(), "wb");
  if (file_ == nullptr) {
    throw UserError("cannot create " + tmp_path_.string() + ": " + errno_text() +
                    " (hint: does the directory exist and is it writable?)");
  }
}

AtomicFileWriter::~AtomicFileWriter() {
  if (file_ != nullptr) std::fclose(file_);
  if (!committed_) {
    std::error_code ec;
    fs::remove(tmp_path_, ec);
  }
}

void AtomicFileWriter::write(const void* data, size_t size) {
  SASMLM_CHECK(file_ != nullptr && !committed_, "write after commit: " + path_.string());
  if (size == 0) return;
  if (std::fwrite(data, 1, size, file_) != size) {
    const int err = errno;
    throw UserError("cannot write " + path_.string() + ": " + std::strerror(err) + write_hint(err));
  }
  bytes_written_ += size;
}

void AtomicFileWriter::commit() {
  SASMLM_CHECK(file_ != nullptr && !committed_, "double commit: " + path_.string());
  test_slow_write_pause();
  bool ok = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
  int saved = ok ? 0 : errno;
  if (std::fclose(file_) != 0 && ok) {
    ok = false;
    saved = errno;
  }
  file_ = nullptr;
  if (!ok) {
    throw UserError("cannot write " + path_.string() + ": " + std::strerror(saved) + write_hint(saved));
  }
  if (std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    throw UserError("cannot rename " + tmp_path_.string() + " to " + path_.string() + ": " + errno_text());
  }
  committed_ = true;
  fsync_directory(path_.has_parent_path() ? path_.parent_path() : fs::path("."));
}

void write_file_atomic(const fs::path& path, std::string_view contents) {
  AtomicFileWriter writer(path);
  writer.write(contents);
  writer.commit();
}

namespace {

// What a non-regular file is, for the messages.
std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

[[noreturn]] void throw_not_regular(mode_t mode, const fs::path& path, const std::string& what) {
  if (S_ISDIR(mode)) throw UserError(what + " is a directory, expected a file: " + path.string());
  throw UserError(what + " is " + kind_of(mode) + ", expected a regular file: " + path.string());
}

// Why stat/open of `path` failed with `err`, in words.
[[noreturn]] void throw_open_error(int err, const fs::path& path, const std::string& what) {
  struct stat link {};
  if (err == ENOENT && ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
    throw UserError(what + " is a dangling symbolic link: " + path.string());
  }
  if (err == ENOENT || err == ENOTDIR) throw UserError(what + " not found: " + path.string());
  if (err == ELOOP) throw UserError(what + " is a symbolic link loop: " + path.string());
  throw UserError("cannot read " + what + " " + path.string() + ": " + std::strerror(err));
}

}  // namespace

uint64_t require_regular_file(const fs::path& path, const std::string& what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw_open_error(errno, path, what);
  if (!S_ISREG(st.st_mode)) throw_not_regular(st.st_mode, path, what);
  return uint64_t(st.st_size);
}

int open_regular_file(const fs::path& path, const std::string& what, uint64_t* size) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; cleared below for the regular file it must be.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw_open_error(errno, path, what);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    throw_open_error(err, path, what);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    throw_not_regular(st.st_mode, path, what);
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  if (size != nullptr) *size = uint64_t(st.st_size);
  return fd;
}

void read_exact(int fd, uint64_t offset, void* out, size_t size, const fs::path& path) {
  char* p = static_cast<char*>(out);
  while (size > 0) {
    const ssize_t n = ::pread(fd, p, size, off_t(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw UserError("cannot read " + path.string() + ": " + errno_text());
    if (n == 0) throw UserError("cannot read " + path.string() + ": the file shrank while it was read");
    p += n;
    size -= size_t(n);
    offset += uint64_t(n);
  }
}

std::string read_file(const fs::path& path, const std::string& what) {
  uint64_t size = 0;
  const int fd = open_regular_file(path, what, &size);
  std::string out;
  try {
    out.resize(size);
    read_exact(fd, 0, out.data(), out.size(), path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  return out;
}

void ensure_directory(const fs::path& dir) {
  if (dir.empty()) return;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    throw UserError("cannot create directory " + dir.string() + ": " + ec.message());
  }
}

void fsync_directory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;  // best effort: some file systems refuse directory fds
  ::fsync(fd);
  ::close(fd);
}

}  // namespace sasmlm
