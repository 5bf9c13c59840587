// Hostile inputs of issue 23 through the `sasmlm` executable: non-regular files where files are read (FIFOs and
// devices must neither hang nor be called "not found"), outputs that are not sasmlm's, sizes beyond any machine, and
// thread counts beyond the CPUs. Each case compares the exit code and the whole of stderr.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/train/checkpoint.h"
#include "test_util.h"

namespace sasmlm {
namespace fs = std::filesystem;
namespace {

std::string write_config(const fs::path& dir) {
  const fs::path corpus = test::synth_corpus(300, 5);
  const fs::path cfg = dir / "cfg.yaml";
  test::write_text(cfg, "run: {dir: " + (dir / "run").string() + ", seed: 7}\n"
                        "data: {train: [" + (corpus / "train.conllu").string() + "], dev: [" +
                        (corpus / "dev.conllu").string() + "], prepared_dir: " + (dir / "prepared").string() +
                        ", max_seq_len: 64}\n"
                        "tokenizer: {vocab_size: 300}\n"
                        "model: {preset: tiny, layers: 2, hidden: 64, heads: 2}\n"
                        "trainer: {max_steps: 2, batch_size: 4, warmup_steps: 1, threads: 1}\n"
                        "checkpoint: {every: 0}\n"
                        "eval: {every: 0}\n"
                        "logging: {level: warn, tensorboard: false}\n");
  return cfg.string();
}

// A trained checkpoint, made once for the file.
const fs::path& trained_checkpoint() {
  static test::TempDir dir;
  static const fs::path ckpt = [] {
    const auto r = test::run_cli("train --config " + write_config(dir.path()));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return dir / "run" / "checkpoints" / checkpoint_name(2);
  }();
  return ckpt;
}

void expect_error(const std::string& args, const std::string& expected_err) {
  const auto r = test::run_cli(args);
  EXPECT_EQ(r.exit_code, kExitUserError) << args << "\n" << r.err;
  EXPECT_EQ(r.err, "error: " + expected_err + "\n") << args;
}

}  // namespace

TEST(HostileInput, NonRegularFilesAreNamedForWhatTheyAreAndNeverRead) {
  test::TempDir dir;
  const std::string fifo = (dir / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  fs::create_symlink(dir / "loop_a", dir / "loop_b");
  fs::create_symlink(dir / "loop_b", dir / "loop_a");
  fs::create_symlink(dir / "absent", dir / "dangling");
  for (const std::string command : {"fill-mask --checkpoint {} 'a [MASK]'", "eval --checkpoint {}"}) {
    auto with = [&](const std::string& path) {
      std::string c = command;
      return c.replace(c.find("{}"), 2, path);
    };
    expect_error(with("/dev/zero"), "checkpoint is a character device, expected a regular file: /dev/zero");
    expect_error(with("/dev/null"), "checkpoint is a character device, expected a regular file: /dev/null");
    expect_error(with(fifo), "checkpoint is a FIFO (named pipe), expected a regular file: " + fifo);
    expect_error(with((dir / "loop_a").string()), "checkpoint is a symbolic link loop: " + (dir / "loop_a").string());
    expect_error(with((dir / "dangling").string()),
                 "checkpoint is a dangling symbolic link: " + (dir / "dangling").string());
  }
  expect_error("train --config " + fifo, "config file is not a regular file: " + fifo);
  // A FIFO as the evaluation treebank.
  expect_error("eval --checkpoint " + trained_checkpoint().string() + " --uas " + fifo,
               "CoNLL-U file is a FIFO (named pipe), expected a regular file: " + fifo);
}

TEST(HostileInput, ConlluWithAByteOrderMarkIsAccepted) {
  test::TempDir dir;
  const std::string text = read_file(test::synth_corpus(300, 5) / "dev.conllu");
  test::write_text(dir / "bom.conllu", "\xEF\xBB\xBF" + text);
  const auto r = test::run_cli("eval --checkpoint " + trained_checkpoint().string() + " --uas " +
                               (dir / "bom.conllu").string() + " --uas-max-sentences 5 --blimp '' --log-level error");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"uas\""), std::string::npos) << r.out;
}

TEST(HostileInput, OutputsReplaceOnlyWhatIsTheirs) {
  test::TempDir dir;
  const std::string ckpt = trained_checkpoint().string();
  const std::string fifo = (dir / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  test::write_text(dir / "target.txt", "someone's file\n");
  fs::create_symlink(dir / "target.txt", dir / "link.json");
  const std::string eval = "eval --checkpoint " + ckpt + " --uas '' --blimp '' --log-level error --out ";
  expect_error(eval + fifo, "eval --out: " + fifo + " is a FIFO (named pipe); sasmlm replaces only regular files "
                            "(hint: choose another path)");
  expect_error(eval + "/dev/null", "eval --out: /dev/null is a character device; sasmlm replaces only regular files "
                                   "(hint: choose another path)");
  expect_error(eval + (dir / "link.json").string(),
               "eval --out: " + (dir / "link.json").string() + " is a symbolic link; sasmlm replaces only regular "
               "files (hint: choose another path)");
  expect_error(eval + (dir / "target.txt").string(),
               "eval --out: " + (dir / "target.txt").string() + " already exists and was not written by this "
               "command (hint: --force replaces it, or choose another path)");
  EXPECT_EQ(read_file(dir / "target.txt"), "someone's file\n");
  EXPECT_TRUE(fs::is_fifo(fifo) && fs::is_symlink(dir / "link.json"));
  // Its own earlier result is replaced; --force replaces another file.
  EXPECT_EQ(test::run_cli(eval + (dir / "result.json").string()).exit_code, 0);
  EXPECT_EQ(test::run_cli(eval + (dir / "result.json").string()).exit_code, 0);
  EXPECT_EQ(test::run_cli(eval + (dir / "target.txt").string() + " --force").exit_code, 0);

  // export --out into a directory with other files: refused, nothing written; an earlier export is replaced and its
  // stale tokenizer file of the other kind removed.
  fs::create_directories(dir / "hf");
  test::write_text(dir / "hf" / "notes.md", "mine\n");
  expect_error("export --checkpoint " + ckpt + " --out " + (dir / "hf").string(),
               "export --out: " + (dir / "hf").string() + " holds notes.md, which this command does not write "
               "(hint: choose an empty or new directory, or --force to write beside it)");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir / "hf"), fs::directory_iterator()), 1);
  fs::create_directories(dir / "hf2");
  test::write_text(dir / "hf2" / "vocab.txt", "[PAD]\n");
  EXPECT_EQ(test::run_cli("export --checkpoint " + ckpt + " --out " + (dir / "hf2").string()).exit_code, 0);
  EXPECT_FALSE(fs::exists(dir / "hf2" / "vocab.txt")) << "a stale vocab.txt would be read by import first";
  EXPECT_TRUE(fs::exists(dir / "hf2" / "spiece.model"));

  // import --out onto a training checkpoint: refused; onto an earlier import: replaced.
  const std::string before = read_file(ckpt);
  expect_error("import --hf " + (dir / "hf2").string() + " --out " + ckpt,
               "import --out: " + ckpt + " already exists and was not written by this command (hint: --force "
               "replaces it, or choose another path)");
  EXPECT_EQ(read_file(ckpt), before);
  const std::string imported = (dir / "imported.ckpt").string();
  EXPECT_EQ(test::run_cli("import --hf " + (dir / "hf2").string() + " --out " + imported).exit_code, 0);
  EXPECT_EQ(test::run_cli("import --hf " + (dir / "hf2").string() + " --out " + imported).exit_code, 0);
}

TEST(HostileInput, SizesAreBoundedAndTheMemoryIsEstimatedBeforeTraining) {
  test::TempDir dir;
  const std::string cfg = write_config(dir.path());
  expect_error("train --config " + cfg + " --set model.intermediate=1000000000",
               "--set: model.intermediate: must be <= 262144, got 1000000000");
  expect_error("train --config " + cfg + " --set model.max_position=100000000",
               "--set: model.max_position: must be <= 65536, got 100000000");
  expect_error("train --config " + cfg + " --set tokenizer.vocab_size=1000000000",
               "--set: tokenizer.vocab_size: must be <= 4194304, got 1000000000");
  expect_error("train --config " + cfg + " --set trainer.batch_size=100000000",
               "--set: trainer.batch_size: must be <= 16777216, got 100000000 (hint: trainer.micro_batch_size bounds "
               "the sequences per forward pass)");
  expect_error("synth --out " + (dir / "synth").string() + " --pairs 2000000000",
               "--pairs: must be <= 100000000, got 2000000000");
  EXPECT_FALSE(fs::exists(dir / "synth"));
  // Within the bounds but beyond this machine: the estimate stops it before anything large is allocated.
  const auto r = test::run_cli("train --config " + cfg + " --set trainer.batch_size=1000000");
  EXPECT_EQ(r.exit_code, kExitUserError) << r.err;
  EXPECT_EQ(r.err.rfind("error: trainer: the run needs about ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(" available in this machine's RAM (hint: lower trainer.micro_batch_size"), std::string::npos)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  // A thread count beyond the CPUs is clamped with a warning, and the run trains.
  const auto t = test::run_cli("train --config " + cfg + " --set trainer.threads=100000 --set run.dir=" +
                               (dir / "threads").string());
  EXPECT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.err.find("trainer.threads: 100000 threads requested but this process may use "), std::string::npos)
      << t.err;
}

}  // namespace sasmlm
