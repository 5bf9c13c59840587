// sasmlm export --run: every checkpoint of a run as HFDIR/checkpoint-<step>/, incremental and crash-safe.
// Loading the directories with transformers is scripts/check_export_run.py.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sasmlm/config/config_loader.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/model/hf_io.h"
#include "sasmlm/train/checkpoint.h"
#include "sasmlm/train/hf_checkpoint.h"
#include "sasmlm/train/hf_run_export.h"
#include "sasmlm/train/training_state.h"
#include "test_util.h"

namespace sasmlm {
namespace {

namespace fs = std::filesystem;

// 17 tokens: configs want a vocabulary of at least 16.
const char* const kVocab =
    "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\ndog\ncat\nsat\n##s\non\nmat\n.\na\nran\nbig\nred\n";

// A run directory with checkpoints at `steps` (weights differ per step) and a metrics.jsonl whose training lines
// carry mlm_loss = step / 10 at every even step, plus a dev line that must not be taken for a training one.
struct FakeRun {
  explicit FakeRun(const fs::path& dir, const std::vector<int64_t>& steps) : dir(dir) {
    const Tokenizer tokenizer = Tokenizer::from_wordpiece_vocab(kVocab, true, "vocab");
    ensure_directory(dir);
    std::string metrics;
    for (int64_t s = 2; s <= 10; s += 2) {
      metrics += nlohmann::json({{"step", s}, {"mlm_loss", s / 10.0}, {"sas_loss", 0.5}, {"lambda", 0.01},
                                 {"lr", 1e-3}}).dump() + "\n";
    }
    metrics += R"({"step": 4, "split": "dev", "mlm_loss": 99.0})" "\n";
    test::write_text(dir / "metrics.jsonl", metrics);
    for (int64_t step : steps) write(step, tokenizer);
  }
  std::string write(int64_t step, const Tokenizer& tokenizer) const {
    BertOptions o;
    o.vocab_size = tokenizer.vocab_size();
    o.layers = 1;
    o.hidden = 16;
    o.heads = 2;
    o.intermediate = 32;
    o.max_position = 16;
    torch::manual_seed(uint64_t(step) + uint64_t(seed_offset));
    TrainingSnapshot s;
    s.model = BertForMaskedLM(o);
    s.config_yaml = dump_config(imported_config(o, tokenizer));
    s.tokenizer_model = tokenizer.serialized();
    s.tokenizer_checksum = tokenizer.checksum();
    s.counters.step = step;
    ensure_directory(dir / "checkpoints");
    return save_training_checkpoint((dir / "checkpoints").string(), s);
  }
  fs::path dir;
  int64_t seed_offset = 0;
};

bool same_weights(BertForMaskedLM a, BertForMaskedLM b) {
  const auto pb = b->named_parameters();
  for (const auto& item : a->named_parameters()) {
    if (pb.find(item.key()) == nullptr || !torch::equal(item.value(), pb[item.key()])) return false;
  }
  return true;
}

nlohmann::json state_of(const fs::path& export_dir) {
  return nlohmann::json::parse(read_file(export_dir / kHfTrainerStateFile));
}

// A process id that is certainly not running: a child that has exited and been reaped.
pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

TEST(HfRunExport, EveryCheckpointWithTrainerStateThenNothingNew) {
  test::TempDir tmp;
  FakeRun run(tmp / "run", {4, 5});
  const HfRunExportSummary first = export_run_hf(run.dir.string(), "");
  EXPECT_EQ(first.exported, (std::vector<int64_t>{4, 5}));
  EXPECT_TRUE(first.failed.empty());
  EXPECT_EQ(first.out_dir, (run.dir / "hf").string());
  const fs::path four = hf_run_checkpoint_dir(first.out_dir, 4);
  for (const char* name : {kHfConfigFile, kHfWeightsFile, kHfVocabFile, kHfTokenizerConfigFile}) {
    EXPECT_TRUE(fs::exists(four / name)) << name;
  }
  const nlohmann::json state = state_of(four);
  EXPECT_EQ(state["step"], 4);
  EXPECT_EQ(state["metrics_step"], 4);
  EXPECT_DOUBLE_EQ(state["mlm_loss"].get<double>(), 0.4);  // the training line, not the dev line at step 4
  EXPECT_DOUBLE_EQ(state["lambda"].get<double>(), 0.01);
  // Step 5 was not logged: the line before it.
  EXPECT_EQ(state_of(hf_run_checkpoint_dir(first.out_dir, 5))["metrics_step"], 4);
  const CheckpointIdentity identity = checkpoint_identity((run.dir / "checkpoints" / checkpoint_name(4)).string());
  EXPECT_EQ(state["source_checkpoint"]["bytes"], identity.bytes);
  EXPECT_EQ(state["source_checkpoint"]["crc32"], identity.crc32);
  // The weights are the checkpoint's.
  const LoadedModel loaded = load_model_checkpoint((run.dir / "checkpoints" / checkpoint_name(4)).string());
  EXPECT_TRUE(same_weights(import_hf(four.string()), loaded.model));

  const auto mtime = fs::last_write_time(four / kHfWeightsFile);
  const HfRunExportSummary second = export_run_hf(run.dir.string(), "");
  EXPECT_TRUE(second.exported.empty());
  EXPECT_EQ(second.already_done, (std::vector<int64_t>{4, 5}));
  EXPECT_EQ(fs::last_write_time(four / kHfWeightsFile), mtime);

  // A new checkpoint: only it is exported.
  run.write(6, Tokenizer::from_wordpiece_vocab(kVocab, true, "vocab"));
  const HfRunExportSummary third = export_run_hf(run.dir.string(), (tmp / "elsewhere").string());
  EXPECT_EQ(third.exported, (std::vector<int64_t>{4, 5, 6}));  // another HFDIR starts empty
  EXPECT_EQ(export_run_hf(run.dir.string(), "").exported, (std::vector<int64_t>{6}));
}

TEST(HfRunExport, HalfWrittenOrStaleExportsAreRedone) {
  test::TempDir tmp;
  FakeRun run(tmp / "run", {2, 4});
  const fs::path out = tmp / "hf";
  // A killed export left its temporary (never named checkpoint-2) behind.
  const fs::path partial = out / (".checkpoint-2.tmp." + std::to_string(dead_pid()));
  ensure_directory(partial);
  test::write_text(partial / kHfConfigFile, "{\"trunc");
  HfRunExportSummary summary = export_run_hf(run.dir.string(), out.string());
  EXPECT_EQ(summary.exported, (std::vector<int64_t>{2, 4}));
  EXPECT_FALSE(fs::exists(partial));
  for (const auto& entry : fs::directory_iterator(out)) {
    EXPECT_EQ(entry.path().filename().string().rfind("checkpoint-", 0), 0u) << entry.path();
  }
  // The run was resumed from step 2 and wrote another step 4: that export is stale and is redone.
  run.seed_offset = 100;
  run.write(4, Tokenizer::from_wordpiece_vocab(kVocab, true, "vocab"));
  summary = export_run_hf(run.dir.string(), out.string());
  EXPECT_EQ(summary.exported, (std::vector<int64_t>{4}));
  EXPECT_EQ(summary.already_done, (std::vector<int64_t>{2}));
  const LoadedModel now = load_model_checkpoint((run.dir / "checkpoints" / checkpoint_name(4)).string());
  EXPECT_TRUE(same_weights(import_hf((out / "checkpoint-4").string()), now.model));
  // A checkpoint-<step> whose trainer_state.json has no source record was not written by export --run (it writes
  // the record before the rename): left alone and reported, or replaced with --force.
  test::write_text(out / "checkpoint-2" / kHfTrainerStateFile, "{}");
  summary = export_run_hf(run.dir.string(), out.string());
  ASSERT_EQ(summary.failed.size(), 1u);
  EXPECT_NE(summary.failed[0].find("checkpoint-2"), std::string::npos) << summary.failed[0];
  EXPECT_NE(summary.failed[0].find("--force"), std::string::npos) << summary.failed[0];
  summary = export_run_hf(run.dir.string(), out.string(), /*force=*/true);
  EXPECT_EQ(summary.exported, (std::vector<int64_t>{2}));
  EXPECT_TRUE(state_of(out / "checkpoint-2").contains("source_checkpoint"));
}

TEST(HfRunExport, CorruptCheckpointIsReportedOthersExported) {
  test::TempDir tmp;
  FakeRun run(tmp / "run", {2, 4, 6});
  const fs::path bad = run.dir / "checkpoints" / checkpoint_name(4);
  std::string bytes = read_file(bad);
  bytes[bytes.size() / 2] ^= 0x5a;
  test::write_text(bad, bytes);
  const HfRunExportSummary summary = export_run_hf(run.dir.string(), "");
  EXPECT_EQ(summary.exported, (std::vector<int64_t>{2, 6}));
  ASSERT_EQ(summary.failed.size(), 1u);
  EXPECT_NE(summary.failed[0].find(checkpoint_name(4)), std::string::npos) << summary.failed[0];
  EXPECT_FALSE(fs::exists(run.dir / "hf" / "checkpoint-4"));
  EXPECT_THROW(export_run_hf((tmp / "nothing").string(), ""), UserError);
}

TEST(HfRunExport, CliRunAndCheckpointExcludeEachOther) {
  test::TempDir tmp;
  FakeRun run(tmp / "run", {2});
  const test::CliResult both = test::run_cli("export --run " + run.dir.string() + " --checkpoint x.ckpt");
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("--checkpoint and --run"), std::string::npos) << both.err;
  const test::CliResult ok = test::run_cli("export --run " + run.dir.string());
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("exported 1 checkpoint(s), 0 already exported, 0 failed"), std::string::npos) << ok.out;
  test::write_text(run.dir / "checkpoints" / checkpoint_name(3), "not a checkpoint");
  const test::CliResult failed = test::run_cli("export --run " + run.dir.string());
  EXPECT_EQ(failed.exit_code, 2);
  EXPECT_NE(failed.out.find("exported 0 checkpoint(s), 1 already exported, 1 failed"), std::string::npos)
      << failed.out;
  EXPECT_NE(failed.err.find("error: "), std::string::npos) << failed.err;
}

}  // namespace
}  // namespace sasmlm
