#include "sasmlm/data/input_paths.h"

#include <glob.h>

#include <algorithm>
#include <filesystem>

#include "sasmlm/core/error.h"

namespace sasmlm {
namespace fs = std::filesystem;
namespace {

constexpr const char* kCorpusSuffixes[] = {".conllu", ".conllu.gz", ".txt", ".txt.gz"};

bool is_corpus_name(const std::string& name) {
  if (name.empty() || name[0] == '.') return false;
  for (const std::string suffix : kCorpusSuffixes) {
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return true;
    }
  }
  return false;
}

bool is_pattern(const std::string& entry) { return entry.find_first_of("*?[") != std::string::npos; }

void expand_directory(const std::string& dir, const std::string& origin, std::vector<InputPath>& out) {
  std::vector<std::string> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code type_error;
    if (is_corpus_name(name) && fs::is_regular_file(it->path(), type_error)) files.push_back(it->path().string());
  }
  if (ec) throw UserError(origin + ": cannot list the directory " + dir + ": " + ec.message());
  if (files.empty()) {
    throw UserError(origin + ": the directory " + dir + " holds no corpus file (expected names ending in .conllu, "
                    ".conllu.gz, .txt or .txt.gz; subdirectories are not searched)");
  }
  std::sort(files.begin(), files.end());
  for (auto& f : files) out.push_back({std::move(f), origin});
}

std::vector<std::string> glob_matches(const std::string& pattern, const std::string& origin) {
  glob_t g{};
  const int rc = ::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &g);
  std::vector<std::string> matches;
  for (size_t i = 0; rc == 0 && i < g.gl_pathc; ++i) matches.emplace_back(g.gl_pathv[i]);
  ::globfree(&g);
  if (rc == GLOB_NOMATCH || (rc == 0 && matches.empty())) {
    throw UserError(origin + ": the pattern " + pattern + " matches no file (hint: check the directory and the "
                    "name pattern; *, ? and [...] are glob wildcards)");
  }
  if (rc != 0) {
    throw UserError(origin + ": cannot expand the pattern " + pattern +
                    (rc == GLOB_NOSPACE ? ": out of memory" : ": a directory could not be read"));
  }
  std::sort(matches.begin(), matches.end());  // bytewise: the order must not depend on the locale
  return matches;
}

}  // namespace

std::vector<InputPath> expand_input_paths(const std::vector<std::string>& entries, const std::string& key) {
  std::vector<InputPath> out;
  for (size_t i = 0; i < entries.size(); ++i) {
    const std::string origin = key + "[" + std::to_string(i) + "]";
    const std::string& entry = entries[i];
    std::error_code ec;
    const bool exists = fs::exists(entry, ec);
    if (!exists && is_pattern(entry)) {
      for (const auto& match : glob_matches(entry, origin)) {
        if (fs::is_directory(match, ec)) {
          expand_directory(match, origin, out);
        } else {
          out.push_back({match, origin});
        }
      }
    } else if (exists && fs::is_directory(entry, ec)) {
      expand_directory(entry, origin, out);
    } else {
      out.push_back({entry, origin});
    }
  }
  return out;
}

std::vector<std::string> input_path_list(const std::vector<InputPath>& inputs) {
  std::vector<std::string> paths;
  paths.reserve(inputs.size());
  for (const auto& input : inputs) paths.push_back(input.path);
  return paths;
}

}  // namespace sasmlm
