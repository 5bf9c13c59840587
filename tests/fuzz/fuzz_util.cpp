#include "fuzz_util.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace sasmlm {

namespace fs = std::filesystem;

namespace {

void remove_scratch_dir() {
  std::error_code ec;
  fs::remove_all(fuzz_scratch_dir(), ec);
}

}  // namespace

const std::string& fuzz_scratch_dir() {
  // Never destroyed: the atexit handler below runs after static destructors registered later than it.
  static const std::string* dir = new std::string([] {
    const char* tmp = std::getenv("TMPDIR");
    fs::path base = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::path(tmp != nullptr ? tmp : "/tmp");
    fs::path path = base / ("sasmlm_fuzz_" + std::to_string(getpid()));
    fs::create_directories(path);
    std::atexit(remove_scratch_dir);
    return path.string();
  }());
  return *dir;
}

std::string fuzz_write_input(const uint8_t* data, size_t size, const std::string& name) {
  const std::string path = fuzz_scratch_dir() + "/" + name;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) throw std::runtime_error("fuzz: cannot write " + path);
  if (size > 0 && std::fwrite(data, 1, size, f) != size) {
    std::fclose(f);
    throw std::runtime_error("fuzz: short write to " + path);
  }
  std::fclose(f);
  return path;
}

}  // namespace sasmlm
