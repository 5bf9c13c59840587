// Data-path benchmark (not a test): prepare throughput on a CoNLL-U corpus, loader batches/s, and the trainer's
// consumption rate at the same batch shape, measured in one run.
//   bench_data TRAIN.conllu [DEV.conllu] [--steps N]
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "sasmlm/core/logging.h"
#include "sasmlm/data/prepare.h"
#include "sasmlm/data/prepared_source.h"
#include "sasmlm/train/optimizer.h"
#include "sasmlm/train/train_step.h"

using namespace sasmlm;
using Clock = std::chrono::steady_clock;

static double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_data TRAIN.conllu [--steps N]\n";
    return 2;
  }
  int64_t steps = 200;
  for (int i = 2; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--steps") steps = std::stoll(argv[i + 1]);
  }
  setup_logging("warn", "", true);
  const auto dir = std::filesystem::temp_directory_path() / ("sasmlm_bench_data_" + std::to_string(::getpid()));
  Config config;
  config.data.train = {argv[1]};
  config.data.max_seq_len = 128;
  config.tokenizer.vocab_size = 8000;

  auto t0 = Clock::now();
  PrepareSummary summary = prepare_data(config.data, config.tokenizer, dir.string());
  const double prepare_s = seconds_since(t0);
  auto data = std::make_shared<PreparedData>(dir.string());
  const int64_t sentences = data->counts("train").sentences;
  std::cout << "prepare: " << sentences << " sentences in " << fixed(prepare_s, 2) << " s = "
            << fixed(double(sentences) / prepare_s, 0) << " sentences/s (tokenizer training included)\n";

  auto source = make_split_source(data, "train");
  LoaderOptions lo;
  lo.batch_size = 32;
  lo.prefetch = 0;  // synchronous: measures the cost of building batches on one thread
  lo.masking = masking_options_from(config.data, data->tokenizer());
  Loader loader(source, lo, 0);
  t0 = Clock::now();
  for (int64_t s = 0; s < steps; ++s) loader.next();
  const double loader_rate = double(steps) / seconds_since(t0);

  // The trainer's consumption at the tiny preset, same batch shape.
  torch::manual_seed(0);
  TrainContext ctx;
  ctx.model = BertForMaskedLM(bert_options_from(config.model, data->vocab_size()));
  auto opt = make_adamw(*ctx.model, ctx.config);
  ctx.optimizer = opt.get();
  Loader train_loader(source, lo, 0);
  train_step(ctx, train_loader.next());  // warm-up
  const int64_t train_steps = 20;
  t0 = Clock::now();
  for (int64_t s = 0; s < train_steps; ++s) train_step(ctx, train_loader.next());
  const double train_rate = double(train_steps) / seconds_since(t0);
  std::cout << "loader: " << fixed(loader_rate, 1) << " batches/s (32 x <=128 tokens, one thread)\n"
            << "trainer (tiny preset, " << torch::get_num_threads() << " threads): " << fixed(train_rate, 2)
            << " steps/s\n"
            << "ratio loader/trainer: " << fixed(loader_rate / train_rate, 1) << "x\n";
  std::filesystem::remove_all(dir);
  return 0;
}
