// model.init_from: weights from an HF directory or a checkpoint, the shape and vocabulary checks, and the trainer's
// use of it (fresh optimizer and schedule; ignored on --resume).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "sasmlm/config/config_loader.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/model/hf_io.h"
#include "sasmlm/model/mlm_loss.h"
#include "sasmlm/train/checkpoint.h"
#include "sasmlm/train/hf_checkpoint.h"
#include "sasmlm/train/init_from.h"
#include "sasmlm/train/training_state.h"
#include "test_util.h"

namespace sasmlm {
namespace {

namespace fs = std::filesystem;

// 17 tokens each (configs want at least 16); the other vocabulary has "walk" where this one has "ran".
const char* const kVocab =
    "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\ndog\ncat\nsat\n##s\non\nmat\n.\na\nran\nbig\nred\n";
const char* const kOtherVocab =
    "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\ndog\ncat\nsat\n##s\non\nmat\n.\na\nwalk\nbig\nred\n";

BertOptions tiny(int64_t vocab, int64_t layers = 2, int64_t hidden = 16) {
  BertOptions o;
  o.vocab_size = vocab;
  o.layers = layers;
  o.hidden = hidden;
  o.heads = 2;
  o.intermediate = 32;
  o.max_position = 16;
  return o;
}

std::string save(const fs::path& dir, BertForMaskedLM model, const Tokenizer& tokenizer) {
  TrainingSnapshot s;
  s.model = model;
  s.config_yaml = dump_config(imported_config(model->options(), tokenizer));
  s.tokenizer_model = tokenizer.serialized();
  s.tokenizer_checksum = tokenizer.checksum();
  s.counters.step = 3;
  ensure_directory(dir);
  return save_training_checkpoint(dir.string(), s);
}

// Mean MLM loss of `model` (eval mode) on a fixed batch with every third position predicted.
double fixed_batch_loss(BertForMaskedLM model, int64_t vocab) {
  model->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor ids = torch::arange(2, 2 + 2 * 12, torch::kInt64).remainder(vocab).reshape({2, 12});
  const torch::Tensor mask = torch::ones({2, 12}, torch::kBool);
  const torch::Tensor positions = torch::arange(0, 24, 3, torch::kInt64);
  const torch::Tensor labels = ids.reshape({-1}).index_select(0, positions);
  const torch::Tensor logits = model->mlm_logits(model->encode(ids, mask), positions);
  return mlm_loss_sum(logits, labels).item<double>() / double(positions.numel());
}

TEST(InitFrom, HfDirectoryAndCheckpointGiveTheSourceLoss) {
  test::TempDir tmp;
  const Tokenizer tokenizer = Tokenizer::from_wordpiece_vocab(kVocab, true, "vocab");
  const int64_t vocab = tokenizer.vocab_size();
  torch::manual_seed(1);
  BertForMaskedLM source(tiny(vocab));
  {
    // Far from any fresh init (whose logits are all near 0), so a wrong copy shows in the loss.
    torch::NoGradGuard no_grad;
    for (auto& p : source->parameters()) p.add_(torch::randn_like(p) * 0.5);
  }
  const std::string ckpt = save(tmp / "ckpts", source, tokenizer);
  export_checkpoint_hf(ckpt, (tmp / "hf").string());
  const double expected = fixed_batch_loss(source, vocab);
  for (const std::string& path : {(tmp / "hf").string(), ckpt}) {
    torch::manual_seed(2);
    BertForMaskedLM model(tiny(vocab));
    const double before = fixed_batch_loss(model, vocab);
    EXPECT_GT(std::abs(before - expected), 1e-3) << "the two random inits must differ for the test to mean much";
    const torch::Tensor next_draw = torch::rand({4}, torch::TensorOptions().dtype(torch::kFloat64));
    torch::manual_seed(2);
    BertForMaskedLM again(tiny(vocab));
    init_model_from(path, again, tokenizer);
    // The run's random streams are where they were without init_from (same dropout, same draws).
    EXPECT_TRUE(torch::equal(torch::rand({4}, torch::TensorOptions().dtype(torch::kFloat64)), next_draw)) << path;
    EXPECT_NEAR(fixed_batch_loss(again, vocab), expected, 1e-5) << path;
  }
}

TEST(InitFrom, ShapeMismatchNamesEveryFieldAndTheFix) {
  test::TempDir tmp;
  const Tokenizer tokenizer = Tokenizer::from_wordpiece_vocab(kVocab, true, "vocab");
  torch::manual_seed(1);
  const std::string ckpt = save(tmp / "ckpts", BertForMaskedLM(tiny(tokenizer.vocab_size(), 1, 16)), tokenizer);
  BertForMaskedLM model(tiny(tokenizer.vocab_size(), 2, 32));
  try {
    init_model_from(ckpt, model, tokenizer);
    FAIL() << "expected a UserError";
  } catch (const UserError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("model.init_from " + ckpt), std::string::npos) << what;
    EXPECT_NE(what.find("model.layers is 2 in the config but 1 in the source"), std::string::npos) << what;
    EXPECT_NE(what.find("model.hidden is 32 in the config but 16 in the source"), std::string::npos) << what;
    EXPECT_EQ(what.find("model.heads"), std::string::npos) << what;  // equal fields are not listed
    EXPECT_NE(what.find("--set model.layers=1 --set model.hidden=16"), std::string::npos) << what;
  }
}

TEST(InitFrom, VocabularyMustBeThePreparedDatas) {
  test::TempDir tmp;
  const Tokenizer tokenizer = Tokenizer::from_wordpiece_vocab(kVocab, true, "vocab");
  torch::manual_seed(1);
  const std::string ckpt = save(tmp / "ckpts", BertForMaskedLM(tiny(tokenizer.vocab_size())), tokenizer);
  export_checkpoint_hf(ckpt, (tmp / "hf").string());
  // Same size, other tokens: the ids would mean other words.
  const Tokenizer other = Tokenizer::from_wordpiece_vocab(kOtherVocab, true, "other");
  for (const std::string& path : {ckpt, (tmp / "hf").string()}) {
    BertForMaskedLM model(tiny(other.vocab_size()));
    try {
      init_model_from(path, model, other);
      FAIL() << "expected a UserError for " << path;
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find("not the prepared data's"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("tokenizer.path"), std::string::npos) << e.what();
    }
  }
  const Tokenizer bigger = Tokenizer::from_wordpiece_vocab(std::string(kVocab) + "big\n", true, "bigger");
  BertForMaskedLM model(tiny(bigger.vocab_size()));
  try {
    init_model_from(ckpt, model, bigger);
    FAIL() << "expected a UserError";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("vocabulary size is 17 in the source but 18"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(check_init_source((tmp / "missing").string()), UserError);
  ensure_directory(tmp / "empty");
  EXPECT_THROW(check_init_source((tmp / "empty").string()), UserError);
}

std::string write_config(const fs::path& dir, const std::string& name, const std::string& extra) {
  const fs::path cfg = dir / (name + ".yaml");
  test::write_text(cfg, "run: {dir: " + (dir / name).string() + ", seed: 7}\n"
                        "data: {train: [" + (test::synth_corpus(1500, 10) / "train.conllu").string() + "], dev: [" +
                        (test::synth_corpus(1500, 10) / "dev.conllu").string() + "], prepared_dir: " +
                        (dir / "prepared").string() + ", max_seq_len: 64}\n"
                        "tokenizer: {vocab_size: 400}\n"
                        "model: {preset: tiny, layers: 2, hidden: 64, heads: 2}\n"
                        "trainer: {max_steps: 2, batch_size: 8, lr: 0.001, log_every: 1, threads: 1}\n"
                        "checkpoint: {every: 1, keep_last: 5}\n"
                        "logging: {level: info}\n" + extra);
  return cfg.string();
}

TEST(InitFrom, TrainerStartsFromTheWeightsAndResumeIgnoresIt) {
  test::TempDir tmp;
  ASSERT_EQ(test::run_cli("train --config " + write_config(tmp.path(), "a", "")).exit_code, 0);
  const std::string source = (tmp / "a" / "checkpoints" / checkpoint_name(2)).string();
  ASSERT_EQ(test::run_cli("export --checkpoint " + source + " --out " + (tmp / "hf").string()).exit_code, 0);
  // decay_horizon 1: the one step's learning rate is 0, so the step-1 weights are the initial ones.
  const std::string b = write_config(tmp.path(), "b", "");
  const std::string init = " --set model.init_from=" + (tmp / "hf").string();
  const test::CliResult first = test::run_cli("train --config " + b + init +
                                              " --set trainer.max_steps=1 --set trainer.decay_horizon=1");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("model.init_from: weights from"), std::string::npos) << first.err;
  const LoadedModel a = load_model_checkpoint(source);
  const LoadedModel started = load_model_checkpoint((tmp / "b" / "checkpoints" / checkpoint_name(1)).string());
  EXPECT_EQ(started.step, 1);
  const auto pa = a.model->named_parameters();
  for (const auto& item : started.model->named_parameters()) {
    EXPECT_TRUE(torch::equal(item.value(), pa[item.key()])) << item.key();
  }
  // On --resume the checkpoint's weights win: init_from is not even opened.
  const test::CliResult resumed = test::run_cli("train --config " + b + " --resume auto --set model.init_from=" +
                                                (tmp / "gone").string());
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("is ignored: resuming from"), std::string::npos) << resumed.err;
  // Another shape: one error line naming the field.
  const test::CliResult shape = test::run_cli("train --config " + write_config(tmp.path(), "c", "") + init +
                                              " --set model.layers=1");
  EXPECT_EQ(shape.exit_code, 2);
  EXPECT_NE(shape.err.find("error: model.init_from"), std::string::npos) << shape.err;
  EXPECT_NE(shape.err.find("model.layers is 1 in the config but 2 in the source"), std::string::npos) << shape.err;
}

}  // namespace
}  // namespace sasmlm
