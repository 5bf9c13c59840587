// A corpus mixing parsed and plain text, as the authors' (Wikipedia rows with heads, BookCorpus rows without): EWT
// train as CoNLL-U plus the same sentences as a plain-text file. It prepares with half its sequences parsed, trains,
// and the SAS term of a batch of plain-text sequences only is exactly zero, gradient included.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "sasmlm/core/file_util.h"
#include "sasmlm/data/conllu.h"
#include "sasmlm/data/loader.h"
#include "sasmlm/data/masking.h"
#include "sasmlm/data/prepared_source.h"
#include "sasmlm/train/optimizer.h"
#include "sasmlm/train/train_step.h"
#include "sasmlm/train/trainer.h"
#include "test_util.h"

namespace sasmlm {
namespace fs = std::filesystem;
namespace {

// EWT's sentences as plain text: the words joined by spaces, a blank line before each new document.
void write_as_text(const fs::path& conllu, const fs::path& out) {
  std::ofstream text(out);
  ConlluReader reader(conllu.string());
  bool first = true;
  for (ConlluSentence s; reader.next(s);) {
    if (s.new_document && !first) text << "\n";
    first = false;
    for (size_t i = 0; i < s.words.size(); ++i) text << (i > 0 ? " " : "") << s.words[i].form;
    text << "\n";
  }
}

// One step on the given sequences (one micro-batch), lambda; the gradients as reduced and the stats.
std::pair<StepStats, std::vector<torch::Tensor>> step_on(const SequenceSource& source, const Tokenizer& tokenizer,
                                                         const std::vector<int64_t>& ids, double lambda) {
  torch::manual_seed(3);
  ModelConfig mc;
  mc.layers = 2;
  mc.hidden = 32;
  mc.heads = 2;
  mc.dropout = 0;
  mc.attention_dropout = 0;
  TrainContext ctx;
  ctx.model = BertForMaskedLM(bert_options_from(mc, tokenizer.vocab_size()));
  ctx.config.grad_clip = 0;
  auto optimizer = make_adamw(*ctx.model, ctx.config);
  ctx.optimizer = optimizer.get();
  SasConfig sas;
  sas.schedule = {SasWindow{std::nullopt, lambda, std::nullopt}};
  ctx.schedule = LambdaSchedule(sas.schedule);
  auto regularizer = make_regularizer(sas, ctx.model->options().layers);
  ctx.regularizer = regularizer.get();
  std::vector<torch::Tensor> grads;
  ctx.reduce_gradients = [&] {
    for (auto& p : ctx.model->parameters()) grads.push_back(p.grad().clone());
  };
  StepBatches step;
  DataConfig data;
  step.micro.push_back(apply_masking(collate(source, ids, 0), masking_options_from(data, tokenizer), 5));
  step.num_masked = step.micro[0].mlm_positions.size(0);
  const StepStats stats = train_step(ctx, step);
  return {stats, grads};
}

TEST(MixedCorpus, HalfParsedPreparesTrainsAndPlainTextAddsNoSasTerm) {
  SASMLM_REQUIRE_SHARED(ewt, "ud-ewt/train.conllu");
  test::TempDir tmp;
  write_as_text(ewt, tmp / "ewt_train.txt");
  Config config;
  config.run.dir = (tmp / "run").string();
  config.data.train = {ewt.string(), (tmp / "ewt_train.txt").string()};
  config.data.prepared_dir = (tmp / "prepared").string();
  config.data.pack = false;       // one sentence per sequence on both sides, so the counts match exactly
  config.data.max_seq_len = 256;
  config.tokenizer.vocab_size = 2000;
  config.model.preset = "tiny";
  config.model.layers = 2;
  config.model.hidden = 64;
  config.model.heads = 2;
  config.sas.schedule = {SasWindow{std::nullopt, 0.01, std::nullopt}};
  config.trainer.max_steps = 3;
  config.trainer.batch_size = 8;
  config.trainer.threads = 2;
  config.logging.level = "warn";
  config.logging.tensorboard = false;
  train(config, TrainOptions{});

  const nlohmann::json manifest = nlohmann::json::parse(read_file(tmp / "prepared" / "manifest.json"));
  const nlohmann::json& counts = manifest["splits"]["train"];
  std::cout << "[ mixed     ] " << counts["sequences"] << " sequences, " << counts["parsed_sequences"]
            << " parsed, parsed_share " << manifest["parsed_share"] << ", " << counts["text_sentences"]
            << " plain-text sentences\n";
  EXPECT_EQ(manifest["parsed_share"].get<double>(), 0.5);
  EXPECT_EQ(2 * counts["parsed_sequences"].get<int64_t>(), counts["sequences"].get<int64_t>());
  int64_t trained = 0;
  for (const std::string& line : [&] {
         std::vector<std::string> lines;
         std::ifstream in(tmp / "run" / "metrics.jsonl");
         for (std::string l; std::getline(in, l);) lines.push_back(l);
         return lines;
       }()) {
    const auto j = nlohmann::json::parse(line);
    if (!j.contains("split")) trained = std::max(trained, j["step"].get<int64_t>());
  }
  EXPECT_EQ(trained, 3);

  // Batches of plain-text sequences only, and of parsed ones only.
  auto data = std::make_shared<PreparedData>((tmp / "prepared").string());
  const auto source = make_split_source(data, "train");
  std::vector<int64_t> text_ids, parsed_ids;
  SequenceRecord r;
  for (int64_t i = 0; i < source->size() && (text_ids.size() < 8 || parsed_ids.size() < 8); ++i) {
    source->read(i, r);
    auto& ids = r.parsed ? parsed_ids : text_ids;
    if (ids.size() < 8 && r.ids.size() > 8) ids.push_back(i);
  }
  ASSERT_EQ(text_ids.size(), 8u);
  const auto [text_stats, text_grads] = step_on(*source, data->tokenizer(), text_ids, 1.0);
  // Suppressing and promoting give bit-identical gradients: the term contributes nothing (lambda 0 would take the
  // fast attention path, whose rounding differs).
  const auto [text_stats_neg, text_grads_neg] = step_on(*source, data->tokenizer(), text_ids, -1.0);
  EXPECT_EQ(text_stats.sas_loss, 0.0);
  EXPECT_EQ(text_stats.parsed_sequences, 0);
  for (size_t i = 0; i < text_grads.size(); ++i) EXPECT_TRUE(torch::equal(text_grads[i], text_grads_neg[i])) << i;
  const auto [parsed_stats, parsed_grads] = step_on(*source, data->tokenizer(), parsed_ids, 1.0);
  const auto [parsed_stats_neg, parsed_grads_neg] = step_on(*source, data->tokenizer(), parsed_ids, -1.0);
  EXPECT_GT(parsed_stats.sas_loss, 0.1);  // the yardstick is live: parsed sequences do carry a term
  EXPECT_EQ(parsed_stats.parsed_sequences, 8);
  EXPECT_FALSE(torch::equal(parsed_grads[0], parsed_grads_neg[0]));
}

}  // namespace
}  // namespace sasmlm
