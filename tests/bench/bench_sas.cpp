// SAS cost benchmark (not a test): step time with the regularizer absent, configured but at lambda = 0, and active,
// measured alternately in one run on real batches (the prepared corpus of a config), at several presets.
//   bench_sas CONFIG.yaml [--presets mini,small] [--windows N] [--steps-per-window N] [--batches N]
// Prints median ms/step per condition and the ratios to `absent` (goals: active <= 1.25x, lambda0 <= 1.02x).
#include <algorithm>
#include <chrono>
#include <iostream>
#include <sstream>

#include "bench_batches.h"
#include "sasmlm/config/config_loader.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/train/optimizer.h"
#include "sasmlm/train/train_step.h"

using namespace sasmlm;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');) out.push_back(item);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_sas CONFIG.yaml [--presets mini,small] [--windows N] [--steps-per-window N]\n";
    return 2;
  }
  std::string presets = "mini,small";
  int64_t windows = 5, steps_per_window = 3, num_batches = 6;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--presets") presets = argv[i + 1];
    if (flag == "--windows") windows = std::stoll(argv[i + 1]);
    if (flag == "--steps-per-window") steps_per_window = std::stoll(argv[i + 1]);
    if (flag == "--batches") num_batches = std::stoll(argv[i + 1]);
  }
  setup_logging("warn", "", true);
  const Config config = load_config(argv[1]);
  // The same few real batches for every condition, built once: the loader is not what is measured here.
  const bench::BenchBatches prepared = bench::fixed_train_batches(config, num_batches);
  const std::vector<StepBatches>& batches = prepared.steps;

  std::cout << "threads " << torch::get_num_threads() << ", batch " << prepared.batch_size << " x " << config.data.max_seq_len
            << ", sas.variant " << config.sas.variant << ", " << windows << " windows x " << steps_per_window
            << " steps per condition, alternating\n";
  std::cout << "preset  absent_ms  lambda0_ms  active_ms  lambda0/absent  active/absent\n";
  for (const std::string& preset : split_commas(presets)) {
    ModelConfig mc = config.model;
    mc.preset = preset;
    mc.layers = mc.hidden = mc.heads = mc.intermediate = 0;
    torch::manual_seed(0);
    TrainContext ctx;
    ctx.model = BertForMaskedLM(bert_options_from(mc, prepared.vocab_size));
    ctx.model->train();
    ctx.config = config.trainer;
    auto optimizer = make_adamw(*ctx.model, ctx.config);
    ctx.optimizer = optimizer.get();
    auto regularizer = make_regularizer(config.sas, ctx.model->options().layers);

    // absent: no regularizer built (sas.schedule zero everywhere); lambda0: built, but lambda(t) = 0 this step;
    // active: lambda = 0.001.
    struct Condition {
      const char* name;
      Regularizer* regularizer;
      double lambda;
    };
    const std::vector<Condition> conditions = {
        {"absent", nullptr, 0.0}, {"lambda0", regularizer.get(), 0.0}, {"active", regularizer.get(), 0.001}};
    std::vector<std::vector<double>> ms(conditions.size());
    int64_t next = 0;
    for (int64_t w = -1; w < windows; ++w) {  // window -1 warms up every condition
      // Rotate the order every window, so no condition always runs first (right after another's allocations).
      for (size_t i = 0; i < conditions.size(); ++i) {
        const size_t c = (i + size_t(w + 1)) % conditions.size();
        ctx.regularizer = conditions[c].regularizer;
        ctx.schedule = LambdaSchedule({SasWindow{std::nullopt, conditions[c].lambda, std::nullopt}});
        const auto t0 = Clock::now();
        for (int64_t s = 0; s < steps_per_window; ++s) {
          train_step(ctx, batches[size_t(next++ % num_batches)]);
        }
        const double per_step = std::chrono::duration<double, std::milli>(Clock::now() - t0).count() /
                                double(steps_per_window);
        if (w >= 0) ms[c].push_back(per_step);
      }
    }
    const double absent = bench::median(ms[0]), lambda0 = bench::median(ms[1]), active = bench::median(ms[2]);
    std::cout << preset << "  " << fixed(absent, 1) << "  " << fixed(lambda0, 1) << "  " << fixed(active, 1) << "  "
              << fixed(lambda0 / absent, 3) << "  " << fixed(active / absent, 3) << "\n";
  }
  return 0;
}
