// `sasmlm train --dry-run`: every config in configs/paper checks its inputs and prints the plan without training
// or writing anything; a missing input is one error line naming the key.
#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"

namespace sasmlm {
namespace fs = std::filesystem;
namespace {

// A small WordPiece vocab.txt: the special tokens, then a few words.
std::string write_vocab(const fs::path& dir) {
  std::string text = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n";
  for (const char* w : {"the", "a", "dog", "cat", "##s", "ran", "."}) text += std::string(w) + "\n";
  test::write_text(dir / "vocab.txt", text);
  return (dir / "vocab.txt").string();
}

TEST(DryRun, EveryPaperConfigPrintsItsPlanAndWritesNothing) {
  test::TempDir tmp;
  const fs::path corpus = test::synth_corpus(300, 5);
  test::write_text(tmp / "books.txt", "The dog ran.\nThe cats ran.\n\nA cat.\n");
  const std::string vocab = write_vocab(tmp.path());
  const std::string inputs = " --set 'data.train=[" + (corpus / "train.conllu").string() + ", " +
                             (tmp / "books.txt").string() + "]' --set 'data.dev=[" + (corpus / "dev.conllu").string() +
                             "]' --set eval.uas=" + (corpus / "dev.conllu").string() + " --set tokenizer.path=" +
                             vocab + " --set data.prepared_dir=" + (tmp / "prepared").string() + " --set run.dir=" +
                             (tmp / "run").string();
  for (const char* file : {"bert_base.yaml", "sas_minus.yaml", "sas_plus.yaml", "sas_minus_3k.yaml"}) {
    SCOPED_TRACE(file);
    const test::CliResult r = test::run_cli("train --config " SASMLM_SOURCE_DIR "/configs/paper/" + std::string(file) +
                                            inputs + " --dry-run --ranks 4");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* expected : {"nothing is trained or written", "512 tokens", "100000 optimizer steps of 256",
                                 "4 rank(s) x 64", "AdamW peak 0.0001", "warmup 10000", "every 5000 steps",
                                 "kept at 15 steps (1000 .. 15000)", "normalization per_sequence",
                                 "WordPiece, lower-cased"}) {
      EXPECT_NE(r.out.find(expected), std::string::npos) << "missing '" << expected << "' in:\n" << r.out;
    }
    EXPECT_FALSE(fs::exists(tmp / "run")) << "a dry run wrote the run directory";
    EXPECT_FALSE(fs::exists(tmp / "prepared")) << "a dry run prepared the data";
  }
  const test::CliResult minus = test::run_cli(
      "train --config " SASMLM_SOURCE_DIR "/configs/paper/sas_minus_3k.yaml" + inputs + " --dry-run");
  EXPECT_NE(minus.out.find("steps [0, 3000): lambda 0.064 (suppresses SAS)"), std::string::npos) << minus.out;
  EXPECT_NE(minus.out.find("steps [3000, 100000): lambda 0 (off)"), std::string::npos) << minus.out;
}

TEST(DryRun, AMissingInputIsOneErrorLineNamingTheKey) {
  test::TempDir tmp;
  const test::CliResult r = test::run_cli("train --config " SASMLM_SOURCE_DIR "/configs/paper/bert_base.yaml "
                                          "--set 'data.train=[" + (tmp / "wikipedia.conllu").string() +
                                          "]' --dry-run");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("error: data.train[0]: " + (tmp / "wikipedia.conllu").string() + " not found", 0), 0u)
      << r.err;
  // The hint spells the key the way --set accepts it.
  EXPECT_NE(r.err.find("set it with --set data.train.0=...)"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sasmlm
