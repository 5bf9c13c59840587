// `sasmlm eval` end to end on checkpoints of a short tiny training run (which also runs the probes at eval.every).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/train/checkpoint.h"
#include "test_util.h"

namespace sasmlm {
namespace fs = std::filesystem;
namespace {

std::vector<nlohmann::json> read_jsonl(const fs::path& path) {
  std::vector<nlohmann::json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line));
  return out;
}

// A synthetic corpus and a 6-step tiny run with checkpoints at steps 3 and 6, made once per process.
const fs::path& run_dir() {
  static test::TempDir* dir = [] {
    auto* d = new test::TempDir();
    const fs::path synth = d->path() / "synth";
    auto r = test::run_cli("synth --out " + synth.string() + " --sentences 600 --pairs 6");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    test::write_text(d->path() / "cfg.yaml",
                     "run: {dir: " + (d->path() / "run").string() + ", seed: 3}\n"
                     "data: {train: [" + (synth / "train.conllu").string() + "], dev: [" +
                     (synth / "dev.conllu").string() + "], prepared_dir: " + (d->path() / "prepared").string() +
                     ", max_seq_len: 64}\n"
                     "tokenizer: {vocab_size: 300}\n"
                     "model: {preset: tiny, layers: 2, hidden: 32, heads: 2}\n"
                     "trainer: {max_steps: 6, batch_size: 8, lr: 0.001, log_every: 3, threads: 1}\n"
                     "checkpoint: {every: 3, keep_last: 5}\n"
                     "eval: {every: 3, max_batches: 2, uas: " + (synth / "dev.conllu").string() + ", blimp: " +
                     (synth / "blimp").string() + ", blimp_max_pairs: 2, twonn_tokens: 100}\n"
                     "logging: {level: warn, tensorboard: false}\n");
    r = test::run_cli("train --config " + (d->path() / "cfg.yaml").string());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return d;
  }();
  static fs::path path = dir->path() / "run";
  return path;
}

void expect_eval_fields(const nlohmann::json& j) {
  for (const char* key : {"uas", "offset_baseline", "uas_best_head", "uas_pooled", "offset_baseline_pooled",
                          "uas_per_relation", "words_scored", "sentences_skipped", "blimp", "twonn",
                          "eval_seconds", "mlm_loss"}) {
    EXPECT_TRUE(j.contains(key)) << key << " missing in " << j.dump();
  }
  EXPECT_GT(j.value("words_scored", 0), 0);
  EXPECT_TRUE(j["blimp"].contains("overall")) << j.dump();
  EXPECT_EQ(j["twonn"].size(), 3u) << "embeddings + 2 layers";
}

TEST(EvalCli, TrainingWritesTheProbesIntoTheEvalLines) {
  std::vector<nlohmann::json> evals;
  for (const auto& j : read_jsonl(run_dir() / "metrics.jsonl")) {
    if (j.contains("split")) evals.push_back(j);
  }
  ASSERT_EQ(evals.size(), 2u);
  EXPECT_EQ(evals[0]["step"], 3);
  EXPECT_EQ(evals[0]["split"], "dev");
  expect_eval_fields(evals[0]);
}

TEST(EvalCli, CheckpointGivesOneJsonObjectWithAllFields) {
  const std::string ckpt = (run_dir() / "checkpoints" / checkpoint_name(6)).string();
  auto r = test::run_cli("eval --checkpoint " + ckpt + " --log-level warn");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  expect_eval_fields(j);
  EXPECT_EQ(j["step"], 6);
  EXPECT_EQ(j["checkpoint"], ckpt);

  // The same evaluation as the trainer's at step 6 (same probes, same data, same masking seed).
  nlohmann::json trained;
  for (const auto& line : read_jsonl(run_dir() / "metrics.jsonl")) {
    if (line.contains("split") && line["step"] == 6) trained = line;
  }
  EXPECT_EQ(j["uas"], trained["uas"]);
  EXPECT_EQ(j["mlm_loss"], trained["mlm_loss"]);
  EXPECT_EQ(j["blimp"]["overall"], trained["blimp"]["overall"]);

  // Flags override the stored config; --out writes the file instead of stdout.
  test::TempDir out;
  r = test::run_cli("eval --checkpoint " + ckpt + " --uas-max-sentences 5 --blimp '' --out " +
                    (out / "e.json").string() + " --device cpu --log-level warn");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  const nlohmann::json small = nlohmann::json::parse(read_file(out / "e.json"));
  EXPECT_FALSE(small.contains("blimp"));
  EXPECT_LT(small["words_scored"].get<int64_t>(), j["words_scored"].get<int64_t>());
}

TEST(EvalCli, RunIsIncrementalAndWritesOnsets) {
  // A copy of the run that gains its checkpoints one at a time.
  test::TempDir dir;
  const fs::path run = dir / "run";
  fs::create_directories(run / "checkpoints");
  const auto add_checkpoint = [&](int64_t step) {
    fs::copy_file(run_dir() / "checkpoints" / checkpoint_name(step), run / "checkpoints" / checkpoint_name(step));
  };
  add_checkpoint(3);
  auto r = test::run_cli("eval --run " + run.string() + " --log-level warn");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("evaluated 1 checkpoint(s), 0 already"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("scripts/plot_dynamics.py " + run.string()), std::string::npos) << r.out;
  ASSERT_EQ(read_jsonl(run / "eval.jsonl").size(), 1u);

  add_checkpoint(6);
  r = test::run_cli("eval --run " + run.string() + " --log-level warn");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("evaluated 1 checkpoint(s), 1 already"), std::string::npos) << r.out;
  r = test::run_cli("eval --run " + run.string() + " --log-level warn");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("evaluated 0 checkpoint(s), 2 already"), std::string::npos) << r.out;

  const auto lines = read_jsonl(run / "eval.jsonl");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["step"], 3);
  EXPECT_EQ(lines[1]["step"], 6);
  expect_eval_fields(lines[1]);
  // The copy has no prepared data of its own: mlm_loss comes from the stored config's data.prepared_dir.
  const nlohmann::json onsets = nlohmann::json::parse(read_file(run / "onsets.json"));
  EXPECT_TRUE(onsets.contains("structure_onset")) << onsets.dump();
  EXPECT_EQ(onsets["points"], 2);
}

TEST(EvalCli, BadUsageIsOneErrorLineAndExitCodeTwo) {
  auto r = test::run_cli("eval");
  EXPECT_EQ(r.exit_code, kExitUserError);
  EXPECT_NE(r.err.find("exactly one of --checkpoint PATH or --run DIR"), std::string::npos) << r.err;
  test::TempDir dir;
  r = test::run_cli("eval --run " + dir.path().string());
  EXPECT_EQ(r.exit_code, kExitUserError);
  EXPECT_NE(r.err.find("no checkpoints folder"), std::string::npos) << r.err;
  r = test::run_cli("eval --checkpoint " + (dir / "missing.ckpt").string());
  EXPECT_EQ(r.exit_code, kExitUserError) << r.err;
}

}  // namespace
}  // namespace sasmlm
