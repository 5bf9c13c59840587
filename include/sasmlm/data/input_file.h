// A corpus file read front to back: its bytes as they are, or, when its name ends in ".gz", the gzip stream
// decompressed on the fly by zlib (constant memory, any size). The readers of data.train / data.dev (conllu.h,
// text_corpus.h) read through it, so every input form accepts a .gz twin.
//
// The file must be a regular file (a FIFO or device is refused before it is read, see core/file_util.h). A ".gz"
// file that does not start with the gzip magic bytes, or whose stream is damaged or cut short, throws UserError
// "<path>: corrupt gzip data (...)" at the point it is found.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

struct gzFile_s;  // zlib's handle (zlib.h stays out of this header)

namespace sasmlm {

// Whether `path` is read as gzip (its name ends in ".gz").
bool is_gzip_path(const std::string& path);

// `path` without a trailing ".gz" (the name that decides how the content is parsed: "a.txt.gz" -> "a.txt").
std::string without_gzip_suffix(const std::string& path);

class InputFile {
 public:
  // Opens `path`; UserError naming `what` and the path when it is missing, not a regular file, or (".gz") not gzip.
  InputFile(const std::string& path, const std::string& what);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // Reads up to `size` (decompressed) bytes into `out`; 0 at the end of the file.
  size_t read(char* out, size_t size);
  // The next line without its "\n" (a "\r" before it is kept); false at the end of the file.
  bool read_line(std::string& line);

  const std::string& path() const { return path_; }

 private:
  size_t read_raw(char* out, size_t size);

  std::string path_;
  int fd_ = -1;
  gzFile_s* gz_ = nullptr;  // set for gzip files; owns fd_ then
  std::vector<char> buffer_;  // read_line's buffer
  size_t buffer_pos_ = 0;
  size_t buffer_end_ = 0;
};

}  // namespace sasmlm
