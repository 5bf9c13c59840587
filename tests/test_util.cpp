#include "test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
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

const fs::path& synth_corpus(int sentences, int pairs) {
  static std::map<std::pair<int, int>, std::pair<std::unique_ptr<TempDir>, fs::path>> corpora;
  auto& entry = corpora[{sentences, pairs}];
  if (!entry.first) {
    entry.first = std::make_unique<TempDir>();
    entry.second = entry.first->path() / "synth";
    const CliResult r = run_cli("synth --out " + entry.second.string() + " --sentences " + std::to_string(sentences) +
                                " --pairs " + std::to_string(pairs));
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  return entry.second;
}

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace sasmlm::test
