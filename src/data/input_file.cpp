#include "sasmlm/data/input_file.h"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"

namespace sasmlm {
namespace {

constexpr size_t kReadBlock = 1 << 16;
constexpr unsigned kGzipBuffer = 1 << 17;  // zlib's input buffer (its default, 8 KiB, costs many small reads)
constexpr const char* kGzipSuffix = ".gz";

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

bool is_gzip_path(const std::string& path) { return ends_with(path, kGzipSuffix); }

std::string without_gzip_suffix(const std::string& path) {
  return is_gzip_path(path) ? path.substr(0, path.size() - std::strlen(kGzipSuffix)) : path;
}

InputFile::InputFile(const std::string& path, const std::string& what) : path_(path) {
  fd_ = open_regular_file(path, what, nullptr);
  if (!is_gzip_path(path)) return;
  // zlib would pass a non-gzip file through unchanged; a ".gz" that is not gzip is a mistake worth naming.
  unsigned char magic[2] = {0, 0};
  const ssize_t n = ::pread(fd_, magic, sizeof(magic), 0);
  if (n != 2 || magic[0] != 0x1f || magic[1] != 0x8b) {
    ::close(fd_);
    fd_ = -1;
    throw UserError(path + ": corrupt gzip data (the file does not start with the gzip magic bytes 1f 8b; "
                    "hint: only name gzip-compressed files *.gz)");
  }
  gz_ = gzdopen(fd_, "rb");
  if (gz_ == nullptr) {
    ::close(fd_);
    fd_ = -1;
    throw UserError("cannot read " + path + ": zlib could not open it (out of memory?)");
  }
  gzbuffer(gz_, kGzipBuffer);
}

InputFile::~InputFile() {
  if (gz_ != nullptr) {
    gzclose(gz_);  // closes fd_ too
  } else if (fd_ >= 0) {
    ::close(fd_);
  }
}

size_t InputFile::read_raw(char* out, size_t size) {
  if (gz_ != nullptr) {
    const int n = gzread(gz_, out, static_cast<unsigned>(std::min<size_t>(size, 1u << 30)));
    int code = Z_OK;
    const char* message = gzerror(gz_, &code);
    // gzread ends a stream cut short like a complete one; only gzerror's Z_BUF_ERROR tells them apart.
    if (n < 0 || (n == 0 && code == Z_BUF_ERROR)) {
      if (code == Z_ERRNO) throw UserError("cannot read " + path_ + ": " + std::strerror(errno));
      throw UserError(path_ + ": corrupt gzip data (" + std::string(message != nullptr ? message : "?") +
                      "; hint: check the file with gzip -t)");
    }
    return static_cast<size_t>(n);
  }
  while (true) {
    const ssize_t n = ::read(fd_, out, size);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) throw UserError("cannot read " + path_ + ": " + std::strerror(errno));
  }
}

size_t InputFile::read(char* out, size_t size) {
  if (buffer_pos_ < buffer_end_) {  // what read_line has buffered comes first
    const size_t take = std::min(size, buffer_end_ - buffer_pos_);
    std::memcpy(out, buffer_.data() + buffer_pos_, take);
    buffer_pos_ += take;
    return take;
  }
  return read_raw(out, size);
}

bool InputFile::read_line(std::string& line) {
  line.clear();
  bool got_any = false;
  if (buffer_.empty()) buffer_.resize(kReadBlock);
  while (true) {
    if (buffer_pos_ == buffer_end_) {
      buffer_pos_ = 0;
      buffer_end_ = read_raw(buffer_.data(), buffer_.size());
      if (buffer_end_ == 0) return got_any;
    }
    got_any = true;
    const char* begin = buffer_.data() + buffer_pos_;
    const void* nl = std::memchr(begin, '\n', buffer_end_ - buffer_pos_);
    const size_t take = nl ? static_cast<size_t>(static_cast<const char*>(nl) - begin) : buffer_end_ - buffer_pos_;
    line.append(begin, take);
    buffer_pos_ += take;
    if (nl) {
      ++buffer_pos_;
      return true;
    }
  }
}

}  // namespace sasmlm
