// Helpers shared by the test binaries: temporary directories, shared data lookup, running the CLI.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace sasmlm::test {

// A fresh directory under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// ../shared/data beside the checkout (or $SASMLM_SHARED_DATA); empty path when absent.
std::filesystem::path shared_data_dir();

// Path of a file under shared data, or GTEST_SKIP-able empty path; use SASMLM_REQUIRE_SHARED below.
std::filesystem::path shared_data(const std::string& relative);

// Writes text to a file (test fixtures).
void write_text(const std::filesystem::path& path, const std::string& text);

// Runs the sasmlm CLI ($SASMLM_CLI) with arguments; captures stdout/stderr and the exit code.
struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
CliResult run_cli(const std::string& args);

// A synthetic treebank made once per process by `sasmlm synth` (train/dev/test.conllu, blimp/) for tests that train
// through the CLI; one directory per (sentences, pairs), removed at exit.
const std::filesystem::path& synth_corpus(int sentences, int pairs);

// A loopback TCP port the kernel just handed out (free a moment ago), for process-group rendezvous in tests.
int free_port();

}  // namespace sasmlm::test

// Skips the current test with a clear message when ../shared/data/<relative> is absent.
#define SASMLM_REQUIRE_SHARED(var, relative)                                                  \
  const std::filesystem::path var = ::sasmlm::test::shared_data(relative);                     \
  if (var.empty()) GTEST_SKIP() << "shared data " << (relative)                                \
                                << " not found (expected ../shared/data beside the checkout, " \
                                   "or set SASMLM_SHARED_DATA)"
