#include "sasmlm/core/output_path.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "sasmlm/core/error.h"

namespace sasmlm {
namespace fs = std::filesystem;

namespace {

// What lstat found, when it is not something an output may replace; "" for a regular file (or directory if allowed).
std::string refused_kind(mode_t mode, bool directory_expected) {
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISDIR(mode) && !directory_expected) return "a directory";
  if (S_ISREG(mode) && directory_expected) return "a regular file";
  return "";
}

// lstat, false when nothing is there.
bool exists_no_follow(const fs::path& path, struct stat* st, const std::string& option) {
  if (::lstat(path.c_str(), st) == 0) return true;
  if (errno == ENOENT) return false;
  throw UserError(option + ": cannot inspect " + path.string() + ": " + std::strerror(errno));
}

}  // namespace

void check_output_file(const fs::path& path, const std::string& option, bool force,
                       const std::function<bool(const fs::path&)>& is_ours) {
  struct stat st {};
  if (!exists_no_follow(path, &st, option)) return;
  const std::string kind = refused_kind(st.st_mode, false);
  if (!kind.empty()) {
    throw UserError(option + ": " + path.string() + " is " + kind + "; sasmlm replaces only regular files "
                    "(hint: choose another path)");
  }
  if (force || (is_ours && is_ours(path))) return;
  throw UserError(option + ": " + path.string() + " already exists and was not written by this command "
                  "(hint: --force replaces it, or choose another path)");
}

void check_output_directory(const fs::path& dir, const std::string& option, bool force,
                            const std::vector<std::string>& owned) {
  struct stat st {};
  if (!exists_no_follow(dir, &st, option)) return;
  const std::string kind = refused_kind(st.st_mode, true);
  if (!kind.empty()) {
    throw UserError(option + ": " + dir.string() + " is " + kind + ", expected a directory (hint: choose another "
                    "path)");
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    struct stat e {};
    const bool known = std::find(owned.begin(), owned.end(), name) != owned.end();
    if (known && ::lstat(entry.path().c_str(), &e) == 0 && !refused_kind(e.st_mode, false).empty()) {
      throw UserError(option + ": " + entry.path().string() + " is " + refused_kind(e.st_mode, false) +
                      "; sasmlm replaces only regular files (hint: remove it, or choose another directory)");
    }
    if (known || force) continue;
    throw UserError(option + ": " + dir.string() + " holds " + name + ", which this command does not write "
                    "(hint: choose an empty or new directory, or --force to write beside it)");
  }
}

}  // namespace sasmlm
