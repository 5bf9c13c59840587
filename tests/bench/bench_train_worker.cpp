// sasmlm side of scripts/bench/bench_vs_hf.py (a benchmark, not a test): a long-lived worker that runs sasmlm's real
// optimizer step (train_step, the code `sasmlm train` runs) on a fixed set of real batches, driven over stdin/stdout.
//   bench_train_worker CONFIG.yaml --preset P [--sas-lambda X] [--batches N] [--threads N] [--dump FILE]
//                      [--set KEY=VALUE]...   (config overrides as `sasmlm train --set`, e.g. trainer.adamw_impl=fused)
// Setup builds the model and optimizer exactly as the trainer does, builds N batches with the trainer's loader
// (masking included), optionally writes them to FILE for the Hugging Face worker (format in write_batches), then
// prints one line `ready {json}` describing the model and optimizer settings. Then, per stdin line:
//   run K  -> K optimizer steps over the batches (cycling), answered `done SECONDS REAL_TOKENS LAST_LOSS`
//   profile K FILE -> K steps under LibTorch's (Kineto) profiler: a Chrome trace in FILE and one line
//             `profiled {json}` with the ops' self time (ms, summed over the K steps), largest first
//   quit   -> exit
// Only lines starting with `ready` / `done` are protocol; logging goes to stderr.
#include <torch/csrc/autograd/profiler_kineto.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <iostream>
#include <sstream>

#include "bench_batches.h"
#include "sasmlm/config/config_loader.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/train/optimizer.h"
#include "sasmlm/train/train_step.h"

using namespace sasmlm;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int64_t kIgnoreLabel = -100;  // Hugging Face's "not predicted" label

// Binary batch file read by scripts/bench/hf_worker.py, all little-endian:
//   "SASB", int64 count, then per batch: int64 B, int64 T, int64 input_ids[B*T], uint8 attention_mask[B*T],
//   int64 labels[B*T] (the original token at predicted positions, -100 elsewhere, as HF's data collator).
void write_batches(const std::string& path, const std::vector<StepBatches>& steps) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw UserError("cannot write " + path);
  auto put = [&](const void* data, size_t bytes) { out.write(static_cast<const char*>(data), std::streamsize(bytes)); };
  out.write("SASB", 4);
  const int64_t count = int64_t(steps.size());
  put(&count, sizeof(count));
  for (const StepBatches& s : steps) {
    SASMLM_CHECK(s.micro.size() == 1, "the benchmark uses one micro-batch per step");
    const Batch& b = s.micro.front();
    const int64_t rows = b.input_ids.size(0), length = b.input_ids.size(1);
    torch::Tensor labels = torch::full({rows * length}, kIgnoreLabel, torch::kInt64);  // (B*T,)
    labels.index_put_({b.mlm_positions}, b.mlm_labels);
    const torch::Tensor ids = b.input_ids.contiguous();                          // (B, T)
    const torch::Tensor mask = b.attention_mask.to(torch::kUInt8).contiguous();  // (B, T)
    put(&rows, sizeof(rows));
    put(&length, sizeof(length));
    put(ids.data_ptr<int64_t>(), size_t(ids.numel()) * sizeof(int64_t));
    put(mask.data_ptr<uint8_t>(), size_t(mask.numel()));
    put(labels.data_ptr<int64_t>(), size_t(labels.numel()) * sizeof(int64_t));
  }
  if (!out.flush()) throw UserError("cannot write " + path);
}

// Self time per op name over the profiled events of the host threads: an op's duration minus the durations of
// the ops nested directly inside it on the same thread (Kineto reports inclusive durations).
nlohmann::json self_times(const std::vector<torch::autograd::profiler::KinetoEvent>& events) {
  std::map<uint64_t, std::vector<const torch::autograd::profiler::KinetoEvent*>> by_thread;
  for (const auto& e : events) {
    if (e.deviceType() == c10::DeviceType::CPU && !e.isAsync()) by_thread[e.startThreadId()].push_back(&e);
  }
  std::map<std::string, std::pair<double, int64_t>> totals;  // name -> (self ms, calls)
  double all_ms = 0;
  for (auto& [thread, list] : by_thread) {
    // Outer ops first: by start, then the longer one.
    std::sort(list.begin(), list.end(), [](auto* a, auto* b) {
      return a->startNs() != b->startNs() ? a->startNs() < b->startNs() : a->durationNs() > b->durationNs();
    });
    std::vector<std::pair<const torch::autograd::profiler::KinetoEvent*, double>> stack;  // (event, child ns)
    auto close = [&] {
      const auto [event, children] = stack.back();
      stack.pop_back();
      auto& t = totals[event->name()];
      t.first += (double(event->durationNs()) - children) / 1e6;
      t.second += 1;
      if (stack.empty()) all_ms += double(event->durationNs()) / 1e6;
    };
    for (const auto* e : list) {
      while (!stack.empty() && stack.back().first->endNs() <= e->startNs()) close();
      if (!stack.empty()) stack.back().second += double(e->durationNs());
      stack.emplace_back(e, 0.0);
    }
    while (!stack.empty()) close();
  }
  std::vector<std::tuple<double, std::string, int64_t>> rows;
  for (const auto& [name, t] : totals) rows.emplace_back(t.first, name, t.second);
  std::sort(rows.rbegin(), rows.rend());
  nlohmann::json top = nlohmann::json::array();
  for (size_t i = 0; i < rows.size() && i < 25; ++i) {
    top.push_back({std::get<1>(rows[i]), std::get<0>(rows[i]), std::get<2>(rows[i])});
  }
  return {{"top", top}, {"host_ms", all_ms}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_train_worker CONFIG.yaml --preset P [--sas-lambda X] [--batches N] [--threads N] "
                 "[--dump FILE] [--set KEY=VALUE]...\n";
    return 2;
  }
  std::string preset = "tiny", dump;
  std::vector<std::string> overrides;
  double sas_lambda = 0.0;
  int64_t num_batches = 4, threads = 0;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--preset") preset = argv[i + 1];
    else if (flag == "--sas-lambda") sas_lambda = std::stod(argv[i + 1]);
    else if (flag == "--batches") num_batches = std::stoll(argv[i + 1]);
    else if (flag == "--threads") threads = std::stoll(argv[i + 1]);
    else if (flag == "--dump") dump = argv[i + 1];
    else if (flag == "--set") overrides.push_back(argv[i + 1]);
    else {
      std::cerr << "bench_train_worker: unknown flag " << flag << "\n";
      return 2;
    }
  }
  setup_logging("warn", "", true);
  Config config = load_config(argv[1], overrides);
  config.model.preset = preset;
  config.model.layers = config.model.hidden = config.model.heads = config.model.intermediate = 0;
  if (threads > 0) torch::set_num_threads(int(threads));

  const bench::BenchBatches fixed = bench::fixed_train_batches(config, num_batches);
  const std::vector<StepBatches>& batches = fixed.steps;
  if (!dump.empty()) write_batches(dump, batches);

  // As Trainer::setup: seeded init, two AdamW groups, the fused/loop choice of trainer.adamw_impl.
  torch::manual_seed(uint64_t(config.run.seed));
  TrainContext ctx;
  ctx.model = BertForMaskedLM(bert_options_from(config.model, fixed.vocab_size));
  ctx.model->train();
  ctx.config = config.trainer;
  ctx.seed = uint64_t(config.run.seed);
  auto optimizer = make_adamw(*ctx.model, config.trainer);
  ctx.optimizer = optimizer.get();
  ctx.fused_adamw = use_fused_adamw(config.trainer, ctx.device);
  std::unique_ptr<Regularizer> regularizer;
  if (sas_lambda != 0.0) {
    config.sas.schedule = {SasWindow{std::nullopt, sas_lambda, std::nullopt}};
    regularizer = make_regularizer(config.sas, ctx.model->options().layers);
    ctx.regularizer = regularizer.get();
  }
  ctx.schedule = LambdaSchedule(config.sas.schedule);

  const BertOptions& o = ctx.model->options();
  const TrainerConfig& t = config.trainer;
  const nlohmann::json ready = {
      {"vocab_size", o.vocab_size}, {"layers", o.layers}, {"hidden", o.hidden}, {"heads", o.heads},
      {"intermediate", o.intermediate}, {"max_position", o.max_position}, {"type_vocab", o.type_vocab},
      {"dropout", o.dropout}, {"attention_dropout", o.attention_dropout}, {"layer_norm_eps", o.layer_norm_eps},
      {"init_std", o.init_std}, {"lr", t.lr}, {"beta1", t.beta1}, {"beta2", t.beta2}, {"eps", t.eps},
      {"weight_decay", t.weight_decay}, {"grad_clip", t.grad_clip}, {"warmup_steps", t.warmup_steps},
      {"threads", torch::get_num_threads()}, {"fused_adamw", ctx.fused_adamw}, {"sas_lambda", sas_lambda}, {"overrides", overrides},
      {"batch_size", fixed.batch_size}, {"max_seq_len", config.data.max_seq_len},
      {"parameters", count_parameters(*ctx.model)}};
  std::cout << "ready " << ready.dump() << std::endl;

  int64_t cursor = 0;  // optimizer steps done; the schedule (lr warmup) advances as in training
  for (std::string line; std::getline(std::cin, line);) {
    std::istringstream in(line);
    std::string command;
    in >> command;
    if (command == "quit") break;
    if (command != "run" && command != "profile") {
      std::cerr << "bench_train_worker: unknown command '" << line << "'\n";
      return 2;
    }
    int64_t steps = 0;
    std::string trace;
    in >> steps >> trace;
    const bool profiling = command == "profile";
    if (profiling) {
      namespace impl = torch::profiler::impl;
      std::set<impl::ActivityType> activities = {impl::ActivityType::CPU};
      if (torch::cuda::is_available()) activities.insert(impl::ActivityType::CUDA);
      torch::autograd::profiler::prepareProfiler(impl::ProfilerConfig(impl::ProfilerState::KINETO), activities);
      torch::autograd::profiler::enableProfiler(impl::ProfilerConfig(impl::ProfilerState::KINETO), activities);
    }
    int64_t tokens = 0;
    double loss = 0;
    const auto t0 = Clock::now();
    for (int64_t s = 0; s < steps; ++s, ++cursor) {
      StepBatches step = batches[size_t(cursor % num_batches)];
      step.step = cursor;
      for (Batch& b : step.micro) b.step = cursor;
      const StepStats stats = train_step(ctx, step);
      tokens += stats.tokens;
      loss = stats.mlm_loss;
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    if (profiling) {
      const auto result = torch::autograd::profiler::disableProfiler();
      if (!trace.empty()) result->save(trace);
      nlohmann::json summary = self_times(result->events());
      summary["steps"] = steps;
      summary["seconds"] = seconds;
      std::cout << "profiled " << summary.dump() << std::endl;
      continue;
    }
    std::cout << "done " << seconds << " " << tokens << " " << loss << std::endl;
  }
  return 0;
}
