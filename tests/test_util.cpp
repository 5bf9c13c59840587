#include "test_util.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace sasmlm::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device rd;
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info ? std::string(info->test_suite_name()) + "_" + info->name() : "sasmlm";
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  path_ = fs::temp_directory_path() / ("sasmlm_test_" + name + "_" + std::to_string(::getpid()) + "_" +
                                       std::to_string(rd() % 1000000));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  if (std::getenv("SASMLM_KEEP_TEST_DIRS") == nullptr) fs::remove_all(path_, ec);
}

fs::path shared_data_dir() {
  if (const char* env = std::getenv("SASMLM_SHARED_DATA")) {
    return fs::is_directory(env) ? fs::path(env) : fs::path();
  }
  fs::path candidate = fs::path(SASMLM_SOURCE_DIR).parent_path() / "shared" / "data";
  return fs::is_directory(candidate) ? candidate : fs::path();
}

fs::path shared_data(const std::string& relative) {
  fs::path dir = shared_data_dir();
  if (dir.empty()) return {};
  fs::path p = dir / relative;
  return fs::exists(p) ? p : fs::path();
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

CliResult run_cli(const std::string& args) {
  const char* cli = std::getenv("SASMLM_CLI");
  CliResult result;
  if (cli == nullptr) {
    result.err = "SASMLM_CLI is not set (run the tests through ctest)";
    return result;
  }
  TempDir dir;
  fs::path out = dir / "stdout", err = dir / "stderr";
  std::string command = std::string(cli) + " " + args + " >" + out.string() + " 2>" + err.string() + " </dev/null";
  int status = std::system(command.c_str());
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream o(out), e(err);
  std::stringstream so, se;
  so << o.rdbuf();
  se << e.rdbuf();
  result.out = so.str();
  result.err = se.str();
  return result;
}

}  // namespace sasmlm::test
