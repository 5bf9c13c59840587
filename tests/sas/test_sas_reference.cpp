// sasmlm's R against scripts/sas_reference.py, which recomputes it the way the authors' Hugging Face code did
// (stack all layers, max over layers and heads, gather at arcs, sum) on tensors dumped by sasmlm.
#include "sasmlm/sas/regularizer.h"

#include "sas_test_util.h"
#include "test_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace sasmlm {
namespace {

// The Python interpreter named by $SASMLM_PYTHON (set by scripts/setup.sh), or "" (the test then skips).
std::string python_path() {
  const char* python = std::getenv("SASMLM_PYTHON");
  return python == nullptr ? "" : python;
}

TEST(SasReference, AuthorsBatchFormulaInPythonAgrees) {
  const std::string python = python_path();
  if (python.empty()) GTEST_SKIP() << "SASMLM_PYTHON is unset; run `eval \"$(scripts/setup.sh)\"` first";
  test::TempDir dir;
  const int64_t num_layers = 4;
  const auto batch = test::make_sas_batch({24, 17, 30, 9, 30}, 30, 31);
  const auto probs = test::random_attention(batch.attention_mask, num_layers, 3, torch::kFloat32, 17);

  struct Case {
    std::string variant, directions, normalization;
    std::vector<int64_t> layers;
    double p;
  };
  const std::vector<Case> cases = {
      {"max", "both", "none", {}, 1.0},          {"max", "to_head", "none", {}, 1.0},
      {"max", "to_dependent", "none", {}, 1.0},  {"max", "both", "per_arc", {1, 3}, 1.0},
      {"uniform", "both", "none", {}, 1.0},      {"uniform", "both", "none", {}, 2.0},
      {"uniform", "to_head", "per_token", {0, 2}, 3.0}, {"random_arcs", "both", "none", {}, 1.0},
  };

  c10::impl::GenericDict dump(c10::StringType::get(), c10::AnyType::get());
  dump.insert("probs", c10::List<torch::Tensor>(probs));
  dump.insert("heads", batch.heads);
  dump.insert("attention_mask", batch.attention_mask);
  nlohmann::json json_cases = nlohmann::json::array();
  std::vector<double> ours;
  for (size_t k = 0; k < cases.size(); ++k) {
    const Case& c = cases[k];
    SasConfig config;
    config.variant = c.variant;
    config.directions = c.directions;
    config.normalization = c.normalization;
    config.layers = c.layers;
    config.p = c.p;
    auto reg = make_regularizer(config, num_layers);
    reg->begin(batch.heads, batch.attention_mask, 4242);
    for (int64_t l = 0; l < num_layers; ++l) {
      if (reg->wants_layer(l)) reg->observe(l, probs[size_t(l)]);
    }
    ours.push_back(reg->finish().item<double>());
    nlohmann::json j = {{"variant", c.variant == "random_arcs" ? "max" : c.variant}, {"directions", c.directions},
                        {"normalization", c.normalization}, {"layers", c.layers}, {"p", c.p}};
    if (c.variant == "random_arcs") {
      const std::string key = "arcs_" + std::to_string(k);
      dump.insert(key, reg->arcs());
      j["arcs_key"] = key;
    }
    json_cases.push_back(j);
  }
  const std::vector<char> bytes = torch::pickle_save(c10::IValue(dump));
  std::ofstream(dir / "dump.pt", std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
  test::write_text(dir / "cases.json", json_cases.dump());

  const std::string script = std::string(SASMLM_SOURCE_DIR) + "/scripts/sas_reference.py";
  const std::string command = "'" + python + "' '" + script + "' '" + (dir / "dump.pt").string() + "' --cases '" +
                              (dir / "cases.json").string() + "' >'" + (dir / "out.txt").string() + "' 2>'" +
                              (dir / "err.txt").string() + "'";
  const int status = std::system(command.c_str());
  std::ifstream err_file(dir / "err.txt");
  std::stringstream err;
  err << err_file.rdbuf();
  if (WIFEXITED(status) && WEXITSTATUS(status) == 77) GTEST_SKIP() << "$SASMLM_PYTHON has no torch: " << err.str();
  ASSERT_EQ(status, 0) << "sas_reference.py failed: " << err.str();

  std::ifstream out(dir / "out.txt");
  std::vector<double> theirs;
  for (double value; out >> value;) theirs.push_back(value);
  ASSERT_EQ(theirs.size(), cases.size());
  for (size_t k = 0; k < cases.size(); ++k) {
    SCOPED_TRACE(cases[k].variant + " " + cases[k].directions + " " + cases[k].normalization + " p=" +
                 std::to_string(cases[k].p));
    EXPECT_GT(theirs[k], 0.0);
    EXPECT_NEAR(ours[k], theirs[k], 1e-6 * std::abs(theirs[k]));
  }
}

}  // namespace
}  // namespace sasmlm
