// The embedded synthetic treebank against the official UD validator (the `udtools` package on PyPI,
// `udvalidate --lang en --level 3`). Skips, saying how to install it, when the package is absent.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <sys/wait.h>

#include "sasmlm/data/synth.h"
#include "test_util.h"

namespace sasmlm {
namespace {

using test::TempDir;

std::string python() {
  const char* p = std::getenv("SASMLM_PYTHON");
  return p != nullptr && *p != '\0' ? p : "python3";
}

// Runs `command` through the shell; returns its exit status and fills `output` with stdout and stderr.
int run_command(const std::string& command, std::string& output) {
  std::FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(SynthUd, TreebankPassesTheOfficialValidatorAtLevel3) {
  std::string probe;
  if (run_command("'" + python() + "' -c 'import udtools.cli'", probe) != 0) {
    GTEST_SKIP() << "the UD validator is not installed for " << python()
                 << " (python -m pip install udtools, or SASMLM_PY_EXTRAS=udtools scripts/setup.sh)";
  }
  TempDir dir;
  SynthOptions o;
  o.out_dir = (dir / "corpus").string();
  o.sentences = 3000;
  o.seed = 5;
  o.pairs_per_paradigm = 0;
  synthesize(o);
  for (const char* split : {"train", "dev", "test"}) {
    const std::string file = (dir / "corpus" / (std::string(split) + ".conllu")).string();
    std::string output;
    const int status = run_command("'" + python() +
                                       "' -c 'import sys; from udtools.cli import main; "
                                       "sys.argv[0] = \"udvalidate\"; sys.exit(main())' --lang en --level 3 '" +
                                       file + "'",
                                   output);
    EXPECT_EQ(status, 0) << split << ": udvalidate --lang en --level 3 failed:\n" << output.substr(0, 4000);
    EXPECT_NE(output.find("PASSED"), std::string::npos) << split << ":\n" << output.substr(0, 4000);
  }
}

}  // namespace
}  // namespace sasmlm
