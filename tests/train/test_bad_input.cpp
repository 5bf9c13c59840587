// The bad-input matrix of docs/BAD_INPUT.md, end to end through the `sasmlm` executable: for each row the exit code
// and the whole of stderr (one `error:` line). Rows covered elsewhere by unit tests are listed in the doc with those.
#include <gtest/gtest.h>
#include <torch/cuda.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "sasmlm/core/error.h"
#include "sasmlm/train/checkpoint.h"
#include "test_util.h"

namespace sasmlm {
namespace fs = std::filesystem;
namespace {

using Env = std::vector<std::pair<std::string, std::string>>;

struct Case {
  Case(std::string name, std::string args, std::string expected, int exit_code = kExitUserError, Env env = {},
       bool prefix_only = false)
      : name(std::move(name)), args(std::move(args)), expected(std::move(expected)), exit_code(exit_code),
        env(std::move(env)), prefix_only(prefix_only) {}
  std::string name;
  std::string args;      // after `sasmlm`; {dir} is the test's temp dir, {cfg} its config
  std::string expected;  // the whole of stderr, {dir} substituted; empty for a run that must succeed
  int exit_code;
  Env env;               // set for this case only
  bool prefix_only;      // the tail depends on the machine (a resolver's wording)
};

std::string substitute(std::string text, const fs::path& dir, const std::string& cfg) {
  for (const auto& [key, value] : {std::pair<std::string, std::string>{"{dir}", dir.string()}, {"{cfg}", cfg}}) {
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size())) {
      text.replace(at, key.size(), value);
    }
  }
  return text;
}

void expect_cases(const std::vector<Case>& cases, const fs::path& dir, const std::string& cfg) {
  for (const Case& c : cases) {
    for (const auto& [name, value] : c.env) ::setenv(name.c_str(), value.c_str(), 1);
    const auto r = test::run_cli(substitute(c.args, dir, cfg));
    for (const auto& [name, value] : c.env) ::unsetenv(name.c_str());
    EXPECT_EQ(r.exit_code, c.exit_code) << c.name << "\n" << r.err;
    if (c.exit_code == kExitOk) continue;
    const std::string expected = substitute(c.expected, dir, cfg);
    if (c.prefix_only) {
      EXPECT_EQ(r.err.rfind(expected, 0), 0u) << c.name << "\n" << r.err;
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.name << "\n" << r.err;
    } else {
      EXPECT_EQ(r.err, expected + "\n") << c.name;
    }
  }
}

// A config over the small synthetic corpus (or `corpus` when given), training 2 steps into {dir}/run.
std::string write_config(const fs::path& dir, const fs::path& corpus) {
  const fs::path cfg = dir / "cfg.yaml";
  test::write_text(cfg, "run: {dir: " + (dir / "run").string() + ", seed: 7}\n"
                        "data: {train: [" + (corpus / "train.conllu").string() + "], dev: [" +
                        (corpus / "dev.conllu").string() + "], prepared_dir: " + (dir / "prepared").string() +
                        ", max_seq_len: 64}\n"
                        "tokenizer: {vocab_size: 300}\n"
                        "model: {preset: tiny, layers: 2, hidden: 64, heads: 2}\n"
                        "trainer: {max_steps: 2, batch_size: 4, warmup_steps: 1, threads: 1}\n"
                        "checkpoint: {every: 0}\n"
                        "logging: {level: warn, tensorboard: false}\n");
  return cfg.string();
}

// Overwrites bytes at `offset` of a file in place.
void patch(const fs::path& path, size_t offset, const std::string& bytes) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(std::streamoff(offset));
  f.write(bytes.data(), std::streamsize(bytes.size()));
}

}  // namespace

TEST(BadInput, ConfigFiles) {
  test::TempDir dir;
  const std::string cfg = write_config(dir.path(), dir / "absent");
  test::write_text(dir / "malformed.yaml", "trainer: {max_steps: [1\n");
  test::write_text(dir / "dup.yaml", "trainer: {max_steps: 1}\ntrainer: {lr: 1}\n");
  expect_cases(
      {
          {"config missing", "train --config {dir}/nope.yaml", "error: config file not found: {dir}/nope.yaml"},
          {"config is a directory", "train --config {dir}", "error: config file is not a regular file: {dir}"},
          {"malformed YAML", "train --config {dir}/malformed.yaml",
           "error: {dir}/malformed.yaml:1: malformed YAML: end of sequence flow not found"},
          {"duplicate key", "train --config {dir}/dup.yaml",
           "error: {dir}/dup.yaml:2: trainer: duplicate key (first given on line 1)"},
      },
      dir.path(), cfg);
}

TEST(BadInput, ConfigValuesAndTypes) {
  test::TempDir dir;
  // Values are checked before any data is read, so the corpus need not exist.
  const std::string cfg = write_config(dir.path(), dir / "absent");
  expect_cases(
      {
          {"NaN", "train --config {cfg} --set trainer.lr=.nan", "error: --set: trainer.lr: must be a finite number"},
          {"NaN in the schedule", "train --config {cfg} --set 'sas.schedule=[{lambda: .nan}]'",
           "error: --set: sas.schedule[0].lambda: must be a finite number"},
          {"integer expected", "train --config {cfg} --set trainer.max_steps=abc",
           "error: --set: trainer.max_steps: expected an integer, got 'abc'"},
          {"list expected", "train --config {cfg} --set data.train=a.conllu",
           "error: --set: data.train: expected a list, got 'a.conllu' (write [a.conllu] for a one-item list)"},
          {"bool expected", "train --config {cfg} --set logging.tensorboard=maybe",
           "error: --set: logging.tensorboard: expected true or false, got 'maybe'"},
          {"enum", "train --config {cfg} --set model.preset=huge",
           "error: --set: model.preset: expected one of tiny, mini, small, medium, base, large, got 'huge'"},
          {"sequence length too short", "train --config {cfg} --set data.max_seq_len=4",
           "error: --set: data.max_seq_len: must be >= 8, got 4"},
          {"sequence length beyond the positions", "train --config {cfg} --set data.max_seq_len=1024",
           "error: --set: data.max_seq_len: must be <= model.max_position (512), got 1024"},
      },
      dir.path(), cfg);
}

TEST(BadInput, MissingFilesAndWrongFormats) {
  test::TempDir dir;
  const std::string cfg = write_config(dir.path(), test::synth_corpus(300, 5));
  test::write_text(dir / "empty.conllu", "");
  test::write_text(dir / "binary.conllu", std::string("\x7f" "ELF\0\0\0", 7));
  test::write_text(dir / "garbage.ckpt", "not a checkpoint\n");
  // A checkpoint header of a future format version; the reader stops before the rest.
  std::string future("SASMCKPT", 8);
  const uint32_t version = kCheckpointVersion + 1;
  future.append(reinterpret_cast<const char*>(&version), sizeof(version));
  test::write_text(dir / "future.ckpt", future + std::string(64, '\0'));
  test::write_text(dir / "short.ckpt", future.substr(0, 10));
  fs::create_directories(dir / "corpus_dir");
  test::write_text(dir / "corpus_dir" / "notes.md", "not a corpus\n");
  test::write_text(dir / "plain.conllu.gz", "1\tword\t_\tX\t_\t_\t0\troot\t_\t_\n\n");
  expect_cases(
      {
          {"corpus missing", "prepare --config {cfg} --set data.train=[{dir}/nope.conllu]",
           "error: data.train[0]: CoNLL-U file not found: {dir}/nope.conllu"},
          {"corpus directory without corpus files", "prepare --config {cfg} --set data.train=[{dir}/corpus_dir]",
           "error: data.train[0]: the directory {dir}/corpus_dir holds no corpus file (expected names ending in "
           ".conllu, .conllu.gz, .txt or .txt.gz; subdirectories are not searched)"},
          {"corpus .gz that is not gzip", "prepare --config {cfg} --set data.train=[{dir}/plain.conllu.gz]",
           "error: {dir}/plain.conllu.gz: corrupt gzip data (the file does not start with the gzip magic bytes 1f "
           "8b; hint: only name gzip-compressed files *.gz)"},
          {"empty corpus", "prepare --config {cfg} --set data.train=[{dir}/empty.conllu]",
           "error: {dir}/empty.conllu: no sentences (empty file, or only comments; expected CoNLL-U: 10 "
           "tab-separated columns per word, a blank line after each sentence)"},
          {"binary corpus", "prepare --config {cfg} --set data.train=[{dir}/binary.conllu]",
           "error: {dir}/binary.conllu:1: NUL byte; this looks like a binary file, not CoNLL-U text (hint: check "
           "the data paths)"},
          {"checkpoint missing", "fill-mask --checkpoint {dir}/nope.ckpt 'a [MASK]'",
           "error: checkpoint not found: {dir}/nope.ckpt"},
          {"checkpoint missing on resume", "train --config {cfg} --resume {dir}/nope.ckpt",
           "error: checkpoint not found: {dir}/nope.ckpt"},
          {"not a checkpoint", "eval --checkpoint {dir}/garbage.ckpt",
           "error: {dir}/garbage.ckpt: not a sasmlm checkpoint (bad magic)"},
          {"checkpoint version", "fill-mask --checkpoint {dir}/future.ckpt 'a [MASK]'",
           "error: {dir}/future.ckpt: checkpoint format version " + std::to_string(version) +
               ", this build reads " + std::to_string(kCheckpointVersion)},
          {"truncated checkpoint", "fill-mask --checkpoint {dir}/short.ckpt 'a [MASK]'",
           "error: {dir}/short.ckpt: truncated checkpoint (ends inside the header)"},
      },
      dir.path(), cfg);
}

TEST(BadInput, ResumeMismatchesAndDamagedPreparedData) {
  test::TempDir dir;
  const std::string cfg = write_config(dir.path(), test::synth_corpus(300, 5));
  auto trained = test::run_cli("train --config " + cfg);
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  const std::string ckpt = (dir / "run" / "checkpoints" / checkpoint_name(2)).string();
  // Damaged copies of the prepared directory.
  for (const char* name : {"bad_magic", "bad_version", "bad_manifest", "no_tokenizer"}) {
    fs::copy(dir / "prepared", dir / name, fs::copy_options::recursive);
  }
  patch(dir / "bad_magic" / "train-00000.shard", 0, "XXXXXXXX");
  patch(dir / "bad_version" / "train-00000.shard", 8, std::string("\x63\0\0\0", 4));
  test::write_text(dir / "bad_manifest" / "manifest.json", "{\"format");
  fs::remove(dir / "no_tokenizer" / "tokenizer.model");
  std::string long_text;
  for (int i = 0; i < 600; ++i) long_text += "the ";
  expect_cases(
      {
          {"model shape on resume", "train --config {cfg} --resume auto --set trainer.max_steps=4 "
                                    "--set model.hidden=32",
           "error: " + ckpt + ": model shape mismatch on resume: hidden is 64 in the checkpoint but 32 in the config "
                              "(hint: resume with the checkpoint's model settings, or start a new run.dir)"},
          {"tokenizer on resume", "train --config {cfg} --resume auto --set trainer.max_steps=4 "
                                  "--set tokenizer.type=bpe --set data.prepared_dir={dir}/prepared_bpe",
           "error: " + ckpt + ": tokenizer mismatch: the checkpoint was trained with a different tokenizer than the "
                              "prepared data (hint: point data.prepared_dir at the data the run was prepared with)"},
          {"shard magic", "train --config {cfg} --set run.dir={dir}/run_a --set data.prepared_dir={dir}/bad_magic",
           "error: {dir}/bad_magic/train-00000.shard: not a sasmlm shard (bad magic, expected SASMSHRD) (hint: "
           "delete the prepared dir and rerun sasmlm prepare)"},
          {"shard version", "train --config {cfg} --set run.dir={dir}/run_b --set data.prepared_dir={dir}/bad_version",
           "error: {dir}/bad_version/train-00000.shard: shard format version 99, this build reads 1 (hint: delete "
           "the prepared dir and rerun sasmlm prepare)"},
          // A damaged manifest or a missing tokenizer only means "not prepared": train prepares again.
          {"manifest damaged", "train --config {cfg} --set run.dir={dir}/run_c "
                               "--set data.prepared_dir={dir}/bad_manifest",
           "", kExitOk},
          {"tokenizer missing", "train --config {cfg} --set run.dir={dir}/run_d "
                                "--set data.prepared_dir={dir}/no_tokenizer",
           "", kExitOk},
          {"over-long input", "fill-mask --checkpoint " + ckpt + " '" + long_text + "[MASK]'",
           "error: fill-mask: the input has 603 tokens, more than the model's 512 positions"},
      },
      dir.path(), cfg);
}

TEST(BadInput, ImpossibleDistributedSettings) {
  test::TempDir dir;
  const std::string cfg = write_config(dir.path(), test::synth_corpus(300, 5));
  const std::string port = std::to_string(test::free_port());
  const Env torchrun{{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "127.0.0.1"}, {"MASTER_PORT", port}};
  auto with = [&](Env env, const std::string& name, const std::string& value) {
    for (auto& kv : env) {
      if (kv.first == name) kv.second = value;
    }
    if (value.empty()) env.erase(std::remove_if(env.begin(), env.end(), [&](auto& kv) { return kv.first == name; }),
                                 env.end());
    return env;
  };
  std::vector<Case> cases{
      {"WORLD_SIZE without RANK", "train --config {cfg}",
       "error: environment variable RANK is missing while WORLD_SIZE is set (hint: set RANK, WORLD_SIZE, MASTER_ADDR "
       "and MASTER_PORT together, or launch with torchrun)",
       kExitUserError, {{"WORLD_SIZE", "2"}}},
      {"RANK not below WORLD_SIZE", "train --config {cfg}",
       "error: RANK=3 is not below WORLD_SIZE=2 (hint: the launcher's variables are inconsistent)", kExitUserError,
       with(torchrun, "RANK", "3")},
      {"RANK not a number", "train --config {cfg}",
       "error: environment variable RANK='x': expected a non-negative integer", kExitUserError,
       with(torchrun, "RANK", "x")},
      {"MASTER_ADDR missing", "train --config {cfg}",
       "error: environment variable MASTER_ADDR is missing (RANK and WORLD_SIZE are set; hint: MASTER_ADDR/MASTER_PORT "
       "name rank 0's host and a free port)",
       kExitUserError, with(torchrun, "MASTER_ADDR", "")},
      {"MASTER_PORT out of range", "train --config {cfg}",
       "error: environment variable MASTER_PORT=70000: expected a port in 1..65535", kExitUserError,
       with(torchrun, "MASTER_PORT", "70000")},
      {"MASTER_ADDR does not resolve", "train --config {cfg} --set distributed.timeout_s=5",
       "error: MASTER_ADDR='no-such-host.invalid': cannot resolve the host name: ", kExitUserError,
       with(torchrun, "MASTER_ADDR", "no-such-host.invalid"), true},
  };
  if (!torch::cuda::is_available()) {
    cases.push_back({"NCCL without CUDA", "train --config {cfg} --set distributed.backend=nccl",
                     "error: distributed.backend: nccl needs CUDA devices, the device is cpu (hint: use auto or gloo)",
                     kExitUserError, torchrun});
    cases.push_back({"CUDA device without CUDA", "train --config {cfg} --set trainer.device=cuda",
                     "error: trainer.device: 'cuda' requested but no CUDA device is visible (hint: use 'auto' or "
                     "'cpu')"});
    cases.push_back({"bf16 on CPU", "train --config {cfg} --set trainer.precision=bf16",
                     "error: trainer.precision: bf16 autocast needs CUDA, the device is CPU (hint: use 'auto' or "
                     "'fp32')"});
  }
  expect_cases(cases, dir.path(), cfg);
}

}  // namespace sasmlm
