#include "sasmlm/train/trainer.h"

#include <ATen/DeviceAccelerator.h>
#include <sched.h>

#include <chrono>
#include <cstdlib>
#include <cmath>
#include <filesystem>
#include <thread>

#include "sasmlm/config/config_loader.h"
#include "sasmlm/core/cpu_threads.h"
#include "sasmlm/core/device.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/core/run_dir_lock.h"
#include "sasmlm/core/tensorboard_events.h"
#include "sasmlm/core/tensorboard_writer.h"
#include "sasmlm/data/prepared_source.h"
#include "sasmlm/dist/grad_reducer.h"
#include "sasmlm/dist/process_group.h"
#include "sasmlm/eval/mlm_eval.h"
#include "sasmlm/eval/onsets.h"
#include "sasmlm/eval/probes.h"
#include "sasmlm/train/init_from.h"
#include "sasmlm/train/memory_estimate.h"
#include "sasmlm/train/metrics_log.h"
#include "sasmlm/train/optimizer.h"
#include "sasmlm/train/signals.h"
#include "sasmlm/train/train_step.h"
#include "sasmlm/train/training_state.h"

namespace sasmlm {
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

bool is_checkpoint_step(const CheckpointConfig& c, int64_t step, int64_t max_steps) {
  if (step == max_steps) return true;
  if (c.every > 0 && step % c.every == 0) return true;
  return std::find(c.at.begin(), c.at.end(), step) != c.at.end();
}

// Peak device memory the caching allocator handed out and reserved, for the end-of-run line ("" on CPU). Through
// the device-generic accelerator API, so no CUDA header is needed.
std::string device_memory_text(const torch::Device& device) {
  if (!device.is_cuda()) return "";
  const auto stats = at::accelerator::getDeviceStats(device.has_index() ? device.index() : 0);
  const auto aggregate = size_t(c10::CachingAllocator::StatType::AGGREGATE);
  return cat("; peak device memory ", fixed(double(stats.allocated_bytes[aggregate].peak) / (1 << 20), 0),
             " MiB allocated, ", fixed(double(stats.reserved_bytes[aggregate].peak) / (1 << 20), 0), " MiB reserved");
}

std::string eta_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const int64_t s = int64_t(seconds);
  return cat(s / 3600, "h", (s / 60) % 60, "m", s % 60, "s");
}

// Everything one run owns, built once by setup().
class Trainer {
 public:
  Trainer(const Config& config, const TrainOptions& options) : config_(config), options_(options) {}
  void run();

 private:
  void setup();
  void select_resume_checkpoint();
  void restore();
  void checkpoint();
  void log_step(const StepStats& stats, double seconds, int64_t tokens);
  void report_progress(const StepStats& stats);
  void evaluate();
  void write_onsets();

  Config config_;
  TrainOptions options_;
  fs::path run_dir_, checkpoint_dir_;
  std::unique_ptr<RunDirLock> run_dir_lock_;        // rank 0 owns run.dir until the run ends
  std::optional<LoadedCheckpoint> resume_from_;     // chosen before anything is written, restored after setup
  std::shared_ptr<PreparedData> data_;
  std::shared_ptr<SequenceSource> train_source_, dev_source_;
  MaskingOptions masking_;
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  std::unique_ptr<Regularizer> regularizer_;
  TrainContext ctx_;
  TrainingSnapshot snapshot_;
  std::unique_ptr<MetricsLog> metrics_;
  std::unique_ptr<TensorBoardWriter> tensorboard_;  // null when logging.tensorboard is false
  std::unique_ptr<Probes> probes_;                  // UAS/BLiMP/TwoNN inputs, read in setup()
  std::unique_ptr<ProcessGroup> group_;             // local (one process) unless a launcher started us
  std::unique_ptr<GradReducer> reducer_;            // null on one process
  Clock::time_point start_;
  Clock::time_point last_step_end_;
  double smoothed_rate_ = 0;
  int64_t start_step_ = 0;
};

void Trainer::setup() {
  const auto& c = config_;
  run_dir_ = c.run.dir;
  checkpoint_dir_ = run_dir_ / "checkpoints";
  ensure_directory(checkpoint_dir_);
  // Rank 0 alone writes logs, metrics, config and checkpoints.
  const DistEnv dist_env = detect_dist_env();
  const bool main_rank = dist_env.rank == 0;
  setup_logging(c.logging.level, c.logging.file.empty() || !main_rank ? "" : (run_dir_ / c.logging.file).string(),
                main_rank);
  // Before anything is written: the run directory's owner lock, then the checkpoint to resume from (a resume that
  // cannot happen stops here, with the run directory as it was).
  if (main_rank) run_dir_lock_ = RunDirLock::acquire(run_dir_);
  select_resume_checkpoint();
  if (!c.model.init_from.empty()) {
    if (resume_from_) {
      log_info("model.init_from (", c.model.init_from, ") is ignored: resuming from ", resume_from_->path,
               ", whose weights win");
    } else {
      check_init_source(c.model.init_from);  // before the data is prepared: a wrong path fails in a second
    }
  }
  const std::string resolved = dump_config(c);
  if (main_rank) write_file_atomic(run_dir_ / "config.yaml", resolved);
  log_info("sasmlm ", SASMLM_VERSION, " train: resolved config (also in ", (run_dir_ / "config.yaml").string(),
           "):\n", resolved);

  torch::set_num_threads(int(resolve_threads(c.trainer.threads, "trainer.threads")));
  // Set either way: an earlier run in the same process may have left the other mode on the pool threads.
  if (!set_flush_denormal(c.trainer.flush_denormal) && c.trainer.flush_denormal) {
    log_warn("trainer.flush_denormal: this CPU cannot flush subnormal floats to zero; they stay IEEE subnormals");
  }
  ctx_.device =
      choose_device(c.trainer.device, "trainer.device",
                    "trainer.device: 'cuda' requested but no CUDA device is visible (hint: use 'auto' or 'cpu')");
  ctx_.bf16 = ctx_.device.is_cuda() && c.trainer.precision != "fp32";
  if (!ctx_.device.is_cuda() && c.trainer.precision == "bf16") {
    throw UserError("trainer.precision: bf16 autocast needs CUDA, the device is CPU (hint: use 'auto' or 'fp32')");
  }
  if (ctx_.device.is_cuda() && dist_env.launcher != "none") {
    ctx_.device = torch::Device(torch::kCUDA, dist_env.local_rank);  // one GPU per process
  }
  group_ = std::make_unique<ProcessGroup>(dist_env, c.distributed, ctx_.device);
  if (c.trainer.batch_size % group_->world_size() != 0) {
    throw UserError(cat("trainer.batch_size (", c.trainer.batch_size, ") is not divisible by the number of ranks (",
                        group_->world_size(), ")"));
  }

  // Data: prepared once and cached under data.prepared_dir (reused while the sources are unchanged).
  const std::string prepared_dir = prepared_dir_for(c.data, run_dir_.string());
  group_->main_runs("preparing data", [&] { data_ = prepare_and_open(c.data, c.tokenizer, prepared_dir); });
  if (!data_) data_ = prepare_and_open(c.data, c.tokenizer, prepared_dir);  // other ranks open rank 0's cache
  train_source_ = make_split_source(data_, "train");
  if (data_->has_split("dev")) dev_source_ = make_split_source(data_, "dev");
  const int64_t vocab = data_->vocab_size();
  masking_ = masking_options_from(c.data, data_->tokenizer());

  // What the run needs, checked before the model, optimizer state and batches are allocated.
  check_training_memory(estimate_training_memory(c, bert_options_from(c.model, vocab), group_->world_size(), ctx_.bf16),
                        ctx_.device);

  // Model init is seeded, so two runs with one seed start from the same weights.
  torch::manual_seed(uint64_t(c.run.seed));
  ctx_.model = BertForMaskedLM(bert_options_from(c.model, vocab));
  if (!c.model.init_from.empty() && !resume_from_) init_model_from(c.model.init_from, ctx_.model, data_->tokenizer());
  if (ctx_.model->options().max_position < c.data.max_seq_len) {
    throw UserError("model.max_position (" + std::to_string(ctx_.model->options().max_position) +
                    ") is smaller than data.max_seq_len (" + std::to_string(c.data.max_seq_len) + ")");
  }
  ctx_.model->to(ctx_.device);
  ctx_.model->train();
  optimizer_ = make_adamw(*ctx_.model, c.trainer);
  ctx_.optimizer = optimizer_.get();
  ctx_.fused_adamw = use_fused_adamw(c.trainer, ctx_.device);
  ctx_.schedule = LambdaSchedule(c.sas.schedule);
  if (ctx_.schedule.ever_nonzero()) {
    regularizer_ = make_regularizer(c.sas, ctx_.model->options().layers);
    ctx_.regularizer = regularizer_.get();
  }
  ctx_.config = c.trainer;
  ctx_.seed = uint64_t(c.run.seed);
  if (group_->distributed()) {
    reducer_ = std::make_unique<GradReducer>(*group_, ctx_.model->parameters(), c.distributed.bucket_mb);
    ctx_.all_reduce_sums = [this](std::vector<double>& values) {
      // One float64 all-reduce for the step's scalars (on the GPU for NCCL, which takes no host tensors).
      const torch::Device where = group_->backend_name() == "nccl" ? ctx_.device : torch::Device(torch::kCPU);
      torch::Tensor buffer = torch::tensor(values, torch::kFloat64).to(where);  // (N,)
      group_->wait(group_->all_reduce_sum_async(buffer), "all-reduce of the step's counts and losses");
      const torch::Tensor host = buffer.to(torch::kCPU);
      for (size_t i = 0; i < values.size(); ++i) values[i] = host[int64_t(i)].item<double>();
    };
    ctx_.before_backward = [this](bool final_micro) { reducer_->prepare_backward(final_micro); };
    ctx_.reduce_gradients = [this] { reducer_->finish(); };
  }

  snapshot_.model = ctx_.model;
  snapshot_.optimizer = optimizer_.get();
  snapshot_.config_yaml = resolved;
  snapshot_.tokenizer_model = data_->tokenizer().serialized();
  snapshot_.tokenizer_checksum = data_->tokenizer().checksum();
  // Probe inputs (eval.uas, eval.blimp) are read now, so a bad path fails at start, not at the first evaluation.
  if (c.eval.every > 0) probes_ = std::make_unique<Probes>(c.eval, data_->tokenizer());
  log_info("model: ", count_parameters(*ctx_.model), " parameters (", ctx_.model->options().layers, " layers, hidden ",
           ctx_.model->options().hidden, ", ", ctx_.model->options().heads, " heads, vocab ", vocab, "); device ",
           ctx_.device.str(), ctx_.bf16 ? " bf16" : " fp32", ", ", torch::get_num_threads(), " threads; ",
           train_source_->size(), " training sequences");
}

void Trainer::select_resume_checkpoint() {
  if (options_.resume.empty()) {
    if (!list_checkpoints(checkpoint_dir_.string()).empty()) {
      throw UserError(checkpoint_dir_.string() + " already holds checkpoints (hint: --resume auto to continue, or "
                      "choose another run.dir)");
    }
    return;
  }
  if (options_.resume == "auto") {
    resume_from_ = resume_auto_checkpoint(checkpoint_dir_.string());
    if (!resume_from_) {
      log_info("--resume auto: no valid checkpoint in ", checkpoint_dir_.string(), " (none yet), starting from step 0");
    }
  } else {
    resume_from_ = read_checkpoint(options_.resume);
  }
}

void Trainer::restore() {
  if (!resume_from_) return;
  const auto t0 = Clock::now();
  restore_training_checkpoint(*resume_from_, snapshot_);
  start_step_ = snapshot_.counters.step;
  log_info("resumed from ", resume_from_->path, " at step ", start_step_, " in ",
           fixed(std::chrono::duration<double>(Clock::now() - t0).count(), 3), " s");
  resume_from_.reset();  // the payload can be large
}

void Trainer::checkpoint() {
  const std::string path = save_training_checkpoint(checkpoint_dir_.string(), snapshot_);
  prune_checkpoints(checkpoint_dir_.string(), config_.checkpoint.keep_last, config_.checkpoint.at);
  log_info("checkpoint ", path);
}

void Trainer::evaluate() {
  if (!dev_source_) return;
  const auto& e = config_.eval;
  MlmEvalResult r = evaluate_mlm(ctx_.model, *dev_source_, masking_, uint64_t(e.mask_seed), e.batch_size,
                                 e.max_batches, ctx_.device);
  nlohmann::json record = {{"step", snapshot_.counters.step}, {"split", "dev"}, {"mlm_loss", r.loss},
                           {"mlm_accuracy", r.accuracy}, {"masked_tokens", r.masked},
                           {"sas_r_per_arc", r.sas_r_per_arc}, {"arcs", r.arcs}};
  if (probes_ && probes_->any()) record.update(probes_->run(ctx_.model, ctx_.device));
  metrics_->write(record);
  if (tensorboard_) {
    tensorboard_->scalars(record_scalars("dev", record), snapshot_.counters.step);
    tensorboard_->flush();
  }
  log_info("eval step ", snapshot_.counters.step, ": dev mlm_loss ", fixed(r.loss, 4), " accuracy ",
           fixed(r.accuracy, 4), " R/arc ", fixed(r.sas_r_per_arc, 4), " (", r.masked, " masked tokens)");
}

// DIR/onsets.json from every dev record in metrics.jsonl (those of earlier, resumed segments included), so a run
// evaluated during training has its onsets without `sasmlm eval --run` (which rewrites the file from eval.jsonl).
void Trainer::write_onsets() {
  std::vector<nlohmann::json> dev;
  const std::string text = read_file(run_dir_ / "metrics.jsonl", "metrics log");
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    if (end > begin) {
      nlohmann::json record = nlohmann::json::parse(text.substr(begin, end - begin), nullptr, false);
      if (record.is_object() && record.value("split", "") == "dev") dev.push_back(std::move(record));
    }
    begin = end + 1;
  }
  nlohmann::json onsets = onsets_to_json(onsets_from_records(std::move(dev)));
  onsets["source"] = "metrics.jsonl";
  write_file_atomic(run_dir_ / "onsets.json", onsets.dump(2) + "\n");
  if (tensorboard_) {
    tensorboard_->scalars(record_scalars("onsets", onsets), snapshot_.counters.step);
    tensorboard_->flush();
  }
  log_info("onsets (from the dev evaluations): ", onsets.dump());
}

void Trainer::log_step(const StepStats& s, double seconds, int64_t tokens) {
  const double tokens_per_s = seconds > 0 ? double(tokens) / seconds : 0.0;
  const int64_t done = s.step + 1;
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  const double eta = elapsed / double(done - start_step_) * double(config_.trainer.max_steps - done);
  const nlohmann::json record = {{"step", done}, {"mlm_loss", s.mlm_loss}, {"sas_loss", s.sas_loss},
                                 {"lambda", s.lambda}, {"lr", s.lr}, {"tokens_per_s", tokens_per_s},
                                 {"grad_norm", s.grad_norm}, {"masked_tokens", s.masked},
                                 {"skipped_steps", snapshot_.counters.nonfinite_steps}, {"elapsed_s", elapsed}};
  metrics_->write(record);
  if (tensorboard_) {
    tensorboard_->scalars(record_scalars("train", record), done);
    tensorboard_->flush();
  }
  log_info("step ", done, "/", config_.trainer.max_steps, " mlm_loss ", fixed(s.mlm_loss, 4), " sas_loss ",
           fixed(s.sas_loss, 4), " lambda ", s.lambda, " lr ", s.lr, " tokens/s ", fixed(tokens_per_s, 0), " eta ",
           eta_text(eta));
}

// Tokens/s for the live line, smoothed so it does not flicker (exponential moving average over ~20 steps).
void Trainer::report_progress(const StepStats& s) {
  const auto now = Clock::now();
  const double dt = std::chrono::duration<double>(now - last_step_end_).count();
  last_step_end_ = now;
  if (dt > 0) {
    const double rate = double(s.tokens) / dt;
    smoothed_rate_ = smoothed_rate_ > 0 ? 0.95 * smoothed_rate_ + 0.05 * rate : rate;
  }
  StepProgress p;
  p.step = s.step + 1;
  p.max_steps = config_.trainer.max_steps;
  p.mlm_loss = s.mlm_loss;
  p.sas_loss = s.sas_loss;
  p.lambda = s.lambda;
  p.lr = s.lr;
  p.tokens_per_s = smoothed_rate_;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  p.eta_s = elapsed / double(p.step - start_step_) * double(p.max_steps - p.step);
  options_.on_step(p);
}

void Trainer::run() {
  setup();
  restore();
  if (group_->distributed()) {
    // Every rank restored from the same checkpoint; rank 0's parameters win either way.
    const double step = double(start_step_);
    if (group_->all_reduce_max(step) != -group_->all_reduce_max(-step)) {
      throw ExitRequest(kExitDistributed, cat("rank ", group_->rank(), ": ranks resumed at different steps (this one "
                                              "at ", start_step_, "); is ", checkpoint_dir_.string(),
                                              " on a shared file system?"));
    }
    reducer_->broadcast_parameters();
  }
  if (start_step_ > 0 && snapshot_.counters.world_size != group_->world_size()) {
    log_warn("resuming a run trained on ", snapshot_.counters.world_size, " rank(s) with ", group_->world_size(),
             ": the data order continues unchanged, but sums over ranks change order, so losses differ slightly");
  }
  snapshot_.counters.world_size = group_->world_size();
  if (group_->is_main()) metrics_ = std::make_unique<MetricsLog>((run_dir_ / "metrics.jsonl").string(), start_step_);
  if (group_->is_main() && config_.logging.tensorboard) {
    // As metrics.jsonl: the events an interrupted run wrote after its checkpoint go, so no step appears twice.
    const std::string tb_dir = (run_dir_ / "tb").string();
    const int64_t dropped = drop_tensorboard_events_after(tb_dir, start_step_ > 0 ? start_step_ : -1);
    if (dropped > 0) log_info("TensorBoard: dropped ", dropped, " events after step ", start_step_, " from ", tb_dir);
    tensorboard_ = std::make_unique<TensorBoardWriter>(tb_dir);
    if (start_step_ == 0) tensorboard_->hparams(config_fields(config_));
  }
  install_stop_handlers();
  LoaderOptions lo;
  lo.batch_size = config_.trainer.batch_size;
  lo.micro_batch_size = config_.trainer.micro_batch_size;
  lo.seed = uint64_t(config_.run.seed);
  lo.prefetch = config_.data.prefetch;
  lo.masking = masking_;
  lo.rank = group_->rank();
  lo.world_size = group_->world_size();
  lo.pin_memory = ctx_.device.is_cuda();
  Loader loader(train_source_, lo, start_step_);

  start_ = Clock::now();
  last_step_end_ = start_;
  auto window_start = Clock::now();
  int64_t window_tokens = 0;
  auto& counters = snapshot_.counters;
  while (counters.step < config_.trainer.max_steps) {
    StepStats stats = train_step(ctx_, loader.next());
    counters.step = stats.step + 1;
    const int64_t tokens = stats.global_tokens;  // all ranks (summed inside the step, with the masked count)
    counters.tokens_seen += tokens;
    window_tokens += tokens;
    if (stats.skipped) {
      ++counters.nonfinite_steps;
      log_warn("step ", counters.step, ": non-finite loss or gradient (mlm_loss ", stats.mlm_loss, ", grad_norm ",
               stats.grad_norm, "): update skipped (", counters.nonfinite_steps, " so far)");
      if (counters.nonfinite_steps > config_.trainer.max_nonfinite_steps) {
        throw ExitRequest(kExitDiverged, cat("training diverged: ", counters.nonfinite_steps,
                                             " non-finite steps exceed trainer.max_nonfinite_steps (",
                                             config_.trainer.max_nonfinite_steps, "); the last good checkpoint in ",
                                             checkpoint_dir_.string(), " is kept"));
      }
    }
    if (options_.on_step && group_->is_main()) report_progress(stats);
    // The outer loop only schedules: logging, evaluation, checkpoints, stop requests.
    if (group_->is_main() &&
        (counters.step % config_.trainer.log_every == 0 || counters.step == config_.trainer.max_steps)) {
      log_step(stats, std::chrono::duration<double>(Clock::now() - window_start).count(), window_tokens);
      window_start = Clock::now();
      window_tokens = 0;
    }
    if (config_.eval.every > 0 && counters.step % config_.eval.every == 0) {
      group_->main_runs("evaluating", [this] { evaluate(); });
    }
    // A signal to any rank stops all of them at the same step.
    const bool stopping = group_->all_reduce_max(stop_signal() != 0 ? 1.0 : 0.0) > 0;
    if (stopping || is_checkpoint_step(config_.checkpoint, counters.step, config_.trainer.max_steps)) {
      if (reducer_ && config_.distributed.check_params) reducer_->check_parameters(counters.step);
      if (group_->is_main()) checkpoint();
    }
    if (stopping) {
      const std::string by = stop_signal() != 0 ? cat("signal ", stop_signal()) : "a signal to another rank";
      throw ExitRequest(kExitInterrupted, cat("stopped by ", by, " after step ", counters.step,
                                              "; checkpoint written (resume with --resume auto)"));
    }
  }
  if (config_.eval.every > 0 && counters.step % config_.eval.every != 0) {
    group_->main_runs("evaluating", [this] { evaluate(); });
  }
  if (config_.eval.every > 0 && group_->is_main()) write_onsets();
  if (reducer_) {
    const uint32_t crc = reducer_->check_parameters(counters.step);
    const ReducerTimings& t = reducer_->timings();
    log_info("distributed: ", group_->world_size(), " ranks agree on the parameters (crc32 ", crc, "); gradient "
             "all-reduce in ", reducer_->num_buckets(), " buckets over ", t.steps, " steps: ", fixed(t.comm_s, 3),
             " s communicating, ", fixed(t.exposed_s, 3), " s exposed after backward (", fixed(100 * t.overlap(), 1),
             "% overlapped)");
    group_->barrier();  // nobody leaves while the others still need rank 0's store
  }
  log_info("done: ", counters.step, " steps, ", counters.tokens_seen, " tokens, ", counters.nonfinite_steps,
           " skipped; outputs in ", run_dir_.string(), device_memory_text(ctx_.device));
}

}  // namespace

void train(const Config& config, const TrainOptions& options) {
  Trainer trainer(config, options);
  trainer.run();
}

}  // namespace sasmlm
