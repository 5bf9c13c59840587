// Atomic file writes and small file helpers.
//
// Every file sasmlm produces (shards, manifests, checkpoints, configs) is written to a temporary name in the same
// directory, flushed with fsync, then renamed over the target, and the directory is fsynced: a crash leaves either
// the old file or the new one, never a half-written one.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

namespace sasmlm {

// Streams bytes to `<path>.tmp.<pid>` and publishes them at `path` on commit(); an uncommitted writer deletes the
// temporary file when destroyed. Write errors (disk full, permissions) throw UserError naming the path.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::filesystem::path path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(const void* data, size_t size);
  void write(std::string_view text) { write(text.data(), text.size()); }
  uint64_t bytes_written() const { return bytes_written_; }
  // fsync + rename + directory fsync.
  void commit();

 private:
  std::filesystem::path path_;
  std::filesystem::path tmp_path_;
  std::FILE* file_ = nullptr;
  uint64_t bytes_written_ = 0;
  bool committed_ = false;
};

// Writes a whole file atomically.
void write_file_atomic(const std::filesystem::path& path, std::string_view contents);

// The rule for every input path, checked before a byte is read: it must name a regular file (after following
// symlinks). Anything else throws UserError naming `what` and the path and saying what it is instead:
//   "WHAT not found: P", "WHAT is a directory, expected a file: P",
//   "WHAT is a FIFO (named pipe), expected a regular file: P" (reading one could wait forever),
//   "WHAT is a character device, expected a regular file: P" (/dev/null reads as empty, /dev/zero never ends),
//   "WHAT is a symbolic link loop: P", "WHAT is a dangling symbolic link: P", "cannot read WHAT P: Permission denied".
// Returns the file's size in bytes.
uint64_t require_regular_file(const std::filesystem::path& path, const std::string& what);

// Opens `path` read-only (without blocking on a FIFO swapped in after the check), verifies through the descriptor
// that it is a regular file (require_regular_file's messages) and returns the descriptor; `size` gets its size.
int open_regular_file(const std::filesystem::path& path, const std::string& what, uint64_t* size);

// Reads exactly `size` bytes at `offset` of an open file into `out`; a short read throws UserError naming the path.
void read_exact(int fd, uint64_t offset, void* out, size_t size, const std::filesystem::path& path);

// Reads a whole regular file (see require_regular_file); a missing or unreadable file throws UserError naming `what`
// and the path.
std::string read_file(const std::filesystem::path& path, const std::string& what = "file");

// Makes the directory (and parents); failure throws UserError naming it.
void ensure_directory(const std::filesystem::path& dir);

// fsyncs a directory so a rename inside it is durable.
void fsync_directory(const std::filesystem::path& dir);

}  // namespace sasmlm
