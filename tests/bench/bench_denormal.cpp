// Subnormal-float cost benchmark (not a test): training step time from a checkpoint with trainer.flush_denormal on
// and off, measured alternately in one run on the checkpoint's own training batches.
//   bench_denormal CHECKPOINT [--windows N] [--steps-per-window N] [--batches N] [--threads N]
// A checkpoint from late in a SAS-promoting run has saturated attention softmaxes, whose backward underflows into
// subnormals; one from a baseline run shows what flushing costs where there are few. Prints median ms/step per mode
// and off/on.
#include <chrono>
#include <iostream>

#include "bench_batches.h"
#include "sasmlm/config/config_loader.h"
#include "sasmlm/core/cpu_threads.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/train/optimizer.h"
#include "sasmlm/train/train_step.h"
#include "sasmlm/train/training_state.h"

using namespace sasmlm;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_denormal CHECKPOINT [--windows N] [--steps-per-window N] [--batches N] [--threads N]\n";
    return 2;
  }
  int64_t windows = 5, steps_per_window = 3, num_batches = 6, threads = 0;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--windows") windows = std::stoll(argv[i + 1]);
    if (flag == "--steps-per-window") steps_per_window = std::stoll(argv[i + 1]);
    if (flag == "--batches") num_batches = std::stoll(argv[i + 1]);
    if (flag == "--threads") threads = std::stoll(argv[i + 1]);
  }
  setup_logging("warn", "", true);
  const LoadedCheckpoint checkpoint = read_checkpoint(argv[1]);
  const LoadedModel loaded = load_model_checkpoint(argv[1]);
  const Config config = load_config_from_string(loaded.config_yaml, argv[1]);
  torch::set_num_threads(int(resolve_threads(threads, "--threads")));
  const bench::BenchBatches prepared = bench::fixed_train_batches(config, num_batches);

  // Model and optimizer state as the run left them (Adam's second moments are where subnormals also live).
  TrainContext ctx;
  ctx.model = BertForMaskedLM(loaded.model->options());
  ctx.config = config.trainer;
  auto optimizer = make_adamw(*ctx.model, ctx.config);
  TrainingSnapshot snapshot;
  snapshot.model = ctx.model;
  snapshot.optimizer = optimizer.get();
  snapshot.tokenizer_checksum = prepared.tokenizer_checksum;
  restore_training_checkpoint(checkpoint, snapshot);
  ctx.model->train();
  ctx.optimizer = optimizer.get();
  ctx.schedule = LambdaSchedule(config.sas.schedule);
  auto regularizer = ctx.schedule.ever_nonzero() ? make_regularizer(config.sas, ctx.model->options().layers) : nullptr;
  ctx.regularizer = regularizer.get();
  ctx.seed = uint64_t(config.run.seed);

  std::cout << "checkpoint " << argv[1] << " (step " << loaded.step << "), threads " << torch::get_num_threads()
            << ", batch " << prepared.batch_size << " x " << config.data.max_seq_len << ", " << windows << " windows x "
            << steps_per_window << " steps per mode, alternating\n";
  // Each step trains the weights a little further, so the modes alternate and see the same weights on average.
  std::vector<double> ms[2];  // [0] flush off (IEEE subnormals), [1] flush on
  int64_t next = 0;
  for (int64_t w = -1; w < windows; ++w) {  // window -1 warms up both modes
    for (int i = 0; i < 2; ++i) {
      const int mode = (i + int(w + 1)) % 2;  // alternate which mode runs first
      set_flush_denormal(mode == 1);
      const auto t0 = Clock::now();
      for (int64_t s = 0; s < steps_per_window; ++s) train_step(ctx, prepared.steps[size_t(next++ % num_batches)]);
      const double per_step =
          std::chrono::duration<double, std::milli>(Clock::now() - t0).count() / double(steps_per_window);
      if (w >= 0) ms[mode].push_back(per_step);
    }
  }
  const double off = bench::median(ms[0]), on = bench::median(ms[1]);
  std::cout << "flush_off_ms  flush_on_ms  off/on\n"
            << fixed(off, 1) << "  " << fixed(on, 1) << "  " << fixed(off / on, 3) << "\n";
  return 0;
}
