// sasmlm's R and its authors-convention SAS term against scripts/sas_reference.py, which recomputes them the way
// the authors' Hugging Face code did (get_batch_max_reg_val / get_batch_uniform_reg_val on stacked attentions,
// their head convention, one term per micro-batch averaged over the step's micro-batches) on tensors dumped here.
#include "sasmlm/sas/regularizer.h"
#include "sasmlm/sas/sas_normalization.h"

#include "sas_test_util.h"
#include "test_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
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


// Runs scripts/sas_reference.py on the dump and cases; the values it printed, or a skip reason in *skip.
std::vector<double> run_reference(const test::TempDir& dir, const c10::impl::GenericDict& dump,
                                  const nlohmann::json& cases, std::string* skip) {
  const std::string python = python_path();
  if (python.empty()) {
    *skip = "SASMLM_PYTHON is unset; run `eval \"$(scripts/setup.sh)\"` first";
    return {};
  }
  const std::vector<char> bytes = torch::pickle_save(c10::IValue(dump));
  std::ofstream(dir / "dump.pt", std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
  test::write_text(dir / "cases.json", cases.dump());
  const std::string script = std::string(SASMLM_SOURCE_DIR) + "/scripts/sas_reference.py";
  const std::string command = "'" + python + "' '" + script + "' '" + (dir / "dump.pt").string() + "' --cases '" +
                              (dir / "cases.json").string() + "' >'" + (dir / "out.txt").string() + "' 2>'" +
                              (dir / "err.txt").string() + "'";
  const int status = std::system(command.c_str());
  std::ifstream err_file(dir / "err.txt");
  std::stringstream err;
  err << err_file.rdbuf();
  if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
    *skip = "$SASMLM_PYTHON has no torch: " + err.str();
    return {};
  }
  EXPECT_EQ(status, 0) << "sas_reference.py failed: " << err.str();
  std::ifstream out(dir / "out.txt");
  std::vector<double> values;
  for (double value; out >> value;) values.push_back(value);
  return values;
}

c10::impl::GenericDict make_dump(const test::SasBatch& batch, const std::vector<torch::Tensor>& probs) {
  c10::impl::GenericDict dump(c10::StringType::get(), c10::AnyType::get());
  dump.insert("probs", c10::List<torch::Tensor>(probs));
  dump.insert("heads", batch.heads);
  dump.insert("attention_mask", batch.attention_mask);
  return dump;
}

// R of every variant and option (root per sequence under per_sequence, per batch otherwise) against the reference.
TEST(SasReference, RegularizerSumAgreesWithTheAuthorsFormulaInPython) {
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
      {"max", "both", "per_sequence", {}, 1.0},      {"max", "to_head", "authors", {}, 1.0},
      {"max", "to_dependent", "none", {}, 1.0},      {"max", "both", "per_arc", {1, 3}, 1.0},
      {"uniform", "both", "authors", {}, 1.0},       {"uniform", "both", "authors", {}, 2.0},
      {"uniform", "both", "per_sequence", {}, 2.0},  {"uniform", "to_head", "per_sequence", {0, 2}, 3.0},
      {"random_arcs", "both", "per_sequence", {}, 1.0},
  };

  c10::impl::GenericDict dump = make_dump(batch, probs);
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
                        {"root", c.normalization == "per_sequence" ? "sequence" : "batch"}, {"layers", c.layers},
                        {"p", c.p}};
    if (c.variant == "random_arcs") {
      const std::string key = "arcs_" + std::to_string(k);
      dump.insert(key, reg->arcs());
      j["arcs_key"] = key;
    }
    json_cases.push_back(j);
  }
  std::string skip;
  const std::vector<double> theirs = run_reference(dir, dump, json_cases, &skip);
  if (!skip.empty()) GTEST_SKIP() << skip;
  ASSERT_EQ(theirs.size(), cases.size());
  for (size_t k = 0; k < cases.size(); ++k) {
    SCOPED_TRACE(cases[k].variant + " " + cases[k].directions + " " + cases[k].normalization + " p=" +
                 std::to_string(cases[k].p));
    EXPECT_GT(theirs[k], 0.0);
    EXPECT_NEAR(ours[k], theirs[k], 1e-6 * std::abs(theirs[k]));
  }
}

// The SAS term of one optimizer step under sas.normalization: authors against the authors' own arithmetic: a step
// of 6 sequences that they would run as 2 micro-batches of 3 (authors_micro_batch = 3). sasmlm runs the max
// variant and uniform p = 1 as one batch of 6 (the grouping does not matter there) and uniform p = 2 in
// micro-batches of 3 (its root is per micro-batch, as theirs). Both signs of lambda (suppress, promote).
TEST(SasReference, AuthorsConventionTermEqualsTheirLossTerm) {
  test::TempDir dir;
  const int64_t num_layers = 3, micro = 3;
  const auto batch = test::make_sas_batch({14, 9, 20, 20, 11, 17}, 20, 5);
  const int64_t batch_size = batch.heads.size(0);
  const auto probs = test::random_attention(batch.attention_mask, num_layers, 4, torch::kFloat32, 23);

  struct Case {
    std::string variant, directions;
    double p, lambda;
  };
  std::vector<Case> cases;
  for (const std::string directions : {"both", "to_head", "to_dependent"}) {
    for (double lambda : {1e-3, -1e-3}) {
      cases.push_back({"max", directions, 1.0, lambda});
      cases.push_back({"uniform", directions, 1.0, lambda});
      cases.push_back({"uniform", directions, 2.0, lambda});
    }
  }
  nlohmann::json json_cases = nlohmann::json::array();
  std::vector<double> ours;
  for (const Case& c : cases) {
    SasConfig config;
    config.variant = c.variant;
    config.directions = c.directions;
    config.p = c.p;
    config.normalization = "authors";
    config.authors_micro_batch = micro;
    auto reg = make_regularizer(config, num_layers);
    const int64_t ours_micro = c.p != 1.0 ? micro : batch_size;
    const torch::Tensor parsed = torch::ones({batch_size}, torch::kBool);
    SasCounts counts;
    double r_sum = 0;
    for (int64_t start = 0; start < batch_size; start += ours_micro) {
      const torch::Tensor heads = batch.heads.narrow(0, start, ours_micro);
      const torch::Tensor mask = batch.attention_mask.narrow(0, start, ours_micro);
      counts += count_sas(heads, mask, parsed.narrow(0, start, ours_micro));
      reg->begin(heads, mask, 0);
      for (int64_t l = 0; l < num_layers; ++l) reg->observe(l, probs[size_t(l)].narrow(0, start, ours_micro));
      r_sum += reg->finish().item<double>();
    }
    ours.push_back(c.lambda * r_sum / reg->normalizer().denominator(counts));
    json_cases.push_back({{"authors_term", true}, {"variant", c.variant}, {"directions", c.directions},
                          {"p", c.p}, {"lambda", c.lambda}, {"micro_batch", micro}});
  }
  std::string skip;
  const std::vector<double> theirs = run_reference(dir, make_dump(batch, probs), json_cases, &skip);
  if (!skip.empty()) GTEST_SKIP() << skip;
  ASSERT_EQ(theirs.size(), cases.size());
  double worst = 0;
  for (size_t k = 0; k < cases.size(); ++k) {
    SCOPED_TRACE(cases[k].variant + " " + cases[k].directions + " p=" + std::to_string(cases[k].p) + " lambda=" +
                 std::to_string(cases[k].lambda));
    EXPECT_GT(std::abs(theirs[k]), 1e-4);
    EXPECT_NEAR(ours[k], theirs[k], 1e-6 * std::abs(theirs[k]));
    worst = std::max(worst, std::abs(ours[k] - theirs[k]) / std::abs(theirs[k]));
  }
  std::cout << "[ reference ] authors-convention term: " << cases.size() << " cases, largest relative difference "
            << worst << "\n";
}

}  // namespace
}  // namespace sasmlm
