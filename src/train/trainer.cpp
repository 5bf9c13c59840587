#include "sasmlm/train/trainer.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include "sasmlm/config/config_loader.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/data/prepared_source.h"
#include "sasmlm/eval/mlm_eval.h"
#include "sasmlm/train/metrics_log.h"
#include "sasmlm/train/optimizer.h"
#include "sasmlm/train/signals.h"
#include "sasmlm/train/tensorboard_writer.h"
#include "sasmlm/train/train_step.h"
#include "sasmlm/train/training_state.h"

namespace sasmlm {
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

torch::Device choose_device(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  if (name == "cuda") {
    if (!torch::cuda::is_available()) {
      throw UserError("trainer.device: 'cuda' requested but no CUDA device is visible (hint: use 'auto' or 'cpu')");
    }
    return torch::kCUDA;
  }
  return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
}

bool is_checkpoint_step(const CheckpointConfig& c, int64_t step, int64_t max_steps) {
  if (step == max_steps) return true;
  if (c.every > 0 && step % c.every == 0) return true;
  return std::find(c.at.begin(), c.at.end(), step) != c.at.end();
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
  void restore();
  void checkpoint();
  void log_step(const StepStats& stats, double seconds, int64_t tokens);
  void evaluate();

  Config config_;
  TrainOptions options_;
  fs::path run_dir_, checkpoint_dir_;
  std::shared_ptr<PreparedData> data_;
  std::shared_ptr<SequenceSource> train_source_, dev_source_;
  MaskingOptions masking_;
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  std::unique_ptr<Regularizer> regularizer_;
  TrainContext ctx_;
  TrainingSnapshot snapshot_;
  std::unique_ptr<MetricsLog> metrics_;
  std::unique_ptr<TensorBoardWriter> tensorboard_;  // null when logging.tensorboard is false
  Clock::time_point start_;
  int64_t start_step_ = 0;
};

void Trainer::setup() {
  const auto& c = config_;
  run_dir_ = c.run.dir;
  checkpoint_dir_ = run_dir_ / "checkpoints";
  ensure_directory(checkpoint_dir_);
  setup_logging(c.logging.level, c.logging.file.empty() ? "" : (run_dir_ / c.logging.file).string(), true);
  const std::string resolved = dump_config(c);
  write_file_atomic(run_dir_ / "config.yaml", resolved);
  log_info("sasmlm ", SASMLM_VERSION, " train: resolved config (also in ", (run_dir_ / "config.yaml").string(),
           "):\n", resolved);

  torch::set_num_threads(int(c.trainer.threads > 0 ? c.trainer.threads : std::thread::hardware_concurrency()));
  ctx_.device = choose_device(c.trainer.device);
  ctx_.bf16 = ctx_.device.is_cuda() && c.trainer.precision != "fp32";
  if (!ctx_.device.is_cuda() && c.trainer.precision == "bf16") {
    throw UserError("trainer.precision: bf16 autocast needs CUDA, the device is CPU (hint: use 'auto' or 'fp32')");
  }

  // Data: prepared once and cached under data.prepared_dir (reused while the sources are unchanged).
  const std::string prepared_dir =
      c.data.prepared_dir.empty() ? (run_dir_ / "prepared").string() : c.data.prepared_dir;
  data_ = prepare_and_open(c.data, c.tokenizer, prepared_dir);
  train_source_ = make_split_source(data_, "train");
  if (data_->has_split("dev")) dev_source_ = make_split_source(data_, "dev");
  const int64_t vocab = data_->vocab_size();
  masking_ = masking_options_from(c.data, vocab);

  // Model init is seeded, so two runs with one seed start from the same weights.
  torch::manual_seed(uint64_t(c.run.seed));
  ctx_.model = BertForMaskedLM(bert_options_from(c.model, vocab));
  if (ctx_.model->options().max_position < c.data.max_seq_len) {
    throw UserError("model.max_position (" + std::to_string(ctx_.model->options().max_position) +
                    ") is smaller than data.max_seq_len (" + std::to_string(c.data.max_seq_len) + ")");
  }
  ctx_.model->to(ctx_.device);
  ctx_.model->train();
  optimizer_ = make_adamw(*ctx_.model, c.trainer);
  ctx_.optimizer = optimizer_.get();
  ctx_.schedule = LambdaSchedule(c.sas.schedule);
  if (ctx_.schedule.ever_nonzero()) {
    regularizer_ = make_regularizer(c.sas, ctx_.model->options().layers);
    ctx_.regularizer = regularizer_.get();
  }
  ctx_.config = c.trainer;
  ctx_.seed = uint64_t(c.run.seed);

  snapshot_.model = ctx_.model;
  snapshot_.optimizer = optimizer_.get();
  snapshot_.config_yaml = resolved;
  snapshot_.tokenizer_model = data_->tokenizer().serialized();
  snapshot_.tokenizer_checksum = data_->tokenizer().checksum();
  log_info("model: ", count_parameters(*ctx_.model), " parameters (", ctx_.model->options().layers, " layers, hidden ",
           ctx_.model->options().hidden, ", ", ctx_.model->options().heads, " heads, vocab ", vocab, "); device ",
           ctx_.device.str(), ctx_.bf16 ? " bf16" : " fp32", ", ", torch::get_num_threads(), " threads; ",
           train_source_->size(), " training sequences");
}

void Trainer::restore() {
  if (options_.resume.empty()) {
    if (!list_checkpoints(checkpoint_dir_.string()).empty()) {
      throw UserError(checkpoint_dir_.string() + " already holds checkpoints (hint: --resume auto to continue, or "
                      "choose another run.dir)");
    }
    return;
  }
  std::optional<LoadedCheckpoint> checkpoint;
  if (options_.resume == "auto") {
    checkpoint = newest_valid_checkpoint(checkpoint_dir_.string());
    if (!checkpoint) {
      log_info("--resume auto: no valid checkpoint in ", checkpoint_dir_.string(), ", starting from step 0");
      return;
    }
  } else {
    checkpoint = read_checkpoint(options_.resume);
  }
  const auto t0 = Clock::now();
  restore_training_checkpoint(*checkpoint, snapshot_);
  start_step_ = snapshot_.counters.step;
  log_info("resumed from ", checkpoint->path, " at step ", start_step_, " in ",
           fixed(std::chrono::duration<double>(Clock::now() - t0).count(), 3), " s");
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
  metrics_->write({{"step", snapshot_.counters.step}, {"split", "dev"}, {"mlm_loss", r.loss},
                   {"mlm_accuracy", r.accuracy}, {"masked_tokens", r.masked}});
  if (tensorboard_) {
    tensorboard_->scalar("dev/mlm_loss", r.loss, snapshot_.counters.step);
    tensorboard_->scalar("dev/mlm_accuracy", r.accuracy, snapshot_.counters.step);
    tensorboard_->flush();
  }
  log_info("eval step ", snapshot_.counters.step, ": dev mlm_loss ", fixed(r.loss, 4), " accuracy ",
           fixed(r.accuracy, 4), " (", r.masked, " masked tokens)");
}

void Trainer::log_step(const StepStats& s, double seconds, int64_t tokens) {
  const double tokens_per_s = seconds > 0 ? double(tokens) / seconds : 0.0;
  const int64_t done = s.step + 1;
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  const double eta = elapsed / double(done - start_step_) * double(config_.trainer.max_steps - done);
  metrics_->write({{"step", done}, {"mlm_loss", s.mlm_loss}, {"sas_loss", s.sas_loss}, {"lambda", s.lambda},
                   {"lr", s.lr}, {"tokens_per_s", tokens_per_s}, {"grad_norm", s.grad_norm},
                   {"masked_tokens", s.masked}, {"skipped_steps", snapshot_.counters.nonfinite_steps},
                   {"elapsed_s", elapsed}});
  if (tensorboard_) {
    tensorboard_->scalar("train/mlm_loss", s.mlm_loss, done);
    tensorboard_->scalar("train/sas_loss", s.sas_loss, done);
    tensorboard_->scalar("train/lambda", s.lambda, done);
    tensorboard_->scalar("train/lr", s.lr, done);
    tensorboard_->scalar("train/tokens_per_s", tokens_per_s, done);
    tensorboard_->flush();
  }
  log_info("step ", done, "/", config_.trainer.max_steps, " mlm_loss ", fixed(s.mlm_loss, 4), " sas_loss ",
           fixed(s.sas_loss, 4), " lambda ", s.lambda, " lr ", s.lr, " tokens/s ", fixed(tokens_per_s, 0), " eta ",
           eta_text(eta));
}

void Trainer::run() {
  setup();
  restore();
  metrics_ = std::make_unique<MetricsLog>((run_dir_ / "metrics.jsonl").string(), start_step_);
  if (config_.logging.tensorboard) tensorboard_ = std::make_unique<TensorBoardWriter>((run_dir_ / "tb").string());
  install_stop_handlers();
  LoaderOptions lo;
  lo.batch_size = config_.trainer.batch_size;
  lo.micro_batch_size = config_.trainer.micro_batch_size;
  lo.seed = uint64_t(config_.run.seed);
  lo.prefetch = config_.data.prefetch;
  lo.masking = masking_;
  Loader loader(train_source_, lo, start_step_);

  start_ = Clock::now();
  auto window_start = Clock::now();
  int64_t window_tokens = 0;
  auto& counters = snapshot_.counters;
  while (counters.step < config_.trainer.max_steps) {
    StepStats stats = train_step(ctx_, loader.next());
    counters.step = stats.step + 1;
    counters.tokens_seen += stats.tokens;
    window_tokens += stats.tokens;
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
    // The outer loop only schedules: logging, evaluation, checkpoints, stop requests.
    if (counters.step % config_.trainer.log_every == 0 || counters.step == config_.trainer.max_steps) {
      log_step(stats, std::chrono::duration<double>(Clock::now() - window_start).count(), window_tokens);
      window_start = Clock::now();
      window_tokens = 0;
    }
    if (config_.eval.every > 0 && counters.step % config_.eval.every == 0) evaluate();
    const bool stopping = stop_signal() != 0;
    if (stopping || is_checkpoint_step(config_.checkpoint, counters.step, config_.trainer.max_steps)) checkpoint();
    if (stopping) {
      throw ExitRequest(kExitInterrupted, cat("stopped by signal ", stop_signal(), " after step ", counters.step,
                                              "; checkpoint written (resume with --resume auto)"));
    }
  }
  if (config_.eval.every > 0 && counters.step % config_.eval.every != 0) evaluate();
  log_info("done: ", counters.step, " steps, ", counters.tokens_seen, " tokens, ", counters.nonfinite_steps,
           " skipped; outputs in ", run_dir_.string());
}

}  // namespace

void train(const Config& config, const TrainOptions& options) {
  Trainer trainer(config, options);
  trainer.run();
}

}  // namespace sasmlm
