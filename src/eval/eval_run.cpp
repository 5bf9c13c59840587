#include "sasmlm/eval/eval_run.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "sasmlm/config/config_loader.h"
#include "sasmlm/core/checksum.h"
#include "sasmlm/core/device.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/core/tensorboard_events.h"
#include "sasmlm/core/tensorboard_writer.h"
#include "sasmlm/data/masking.h"
#include "sasmlm/data/prepared_source.h"
#include "sasmlm/eval/mlm_eval.h"
#include "sasmlm/eval/onsets.h"
#include "sasmlm/eval/probes.h"
#include "sasmlm/train/checkpoint.h"
#include "sasmlm/train/training_state.h"

namespace sasmlm {
namespace fs = std::filesystem;
namespace {

// Evaluates checkpoints one after another, keeping the tokenized probe inputs and the dev data open while the
// checkpoints share a tokenizer (those of one run do).
class CheckpointEvaluator {
 public:
  explicit CheckpointEvaluator(EvalRunOptions options)
      : options_(std::move(options)),
        device_(choose_device(options_.device, "--device",
                              "--device cuda: no CUDA device is visible (hint: use --device cpu or auto)")) {}

  nlohmann::json evaluate(const std::string& path, const fs::path& run_dir);

 private:
  void switch_tokenizer(const LoadedModel& loaded, const Config& config, const fs::path& run_dir,
                        const std::string& path);
  void open_dev_data(const Config& config, const fs::path& run_dir);

  EvalRunOptions options_;
  torch::Device device_;
  std::unique_ptr<Tokenizer> tokenizer_;
  std::unique_ptr<Probes> probes_;
  std::shared_ptr<PreparedData> data_;
  std::shared_ptr<SequenceSource> dev_;
};

void CheckpointEvaluator::open_dev_data(const Config& config, const fs::path& run_dir) {
  data_.reset();
  dev_.reset();
  const fs::path dir = config.data.prepared_dir.empty() ? run_dir / "prepared" : fs::path(config.data.prepared_dir);
  if (!fs::exists(dir / "manifest.json")) {
    log_warn("mlm_loss omitted: no prepared data at ", dir.string(), " (data.prepared_dir of the checkpoint's config)");
    return;
  }
  auto data = std::make_shared<PreparedData>(dir.string());
  if (!data->has_split("dev")) {
    log_warn("mlm_loss omitted: the prepared data at ", dir.string(), " has no dev split (data.dev was empty)");
    return;
  }
  if (data->tokenizer().checksum() != tokenizer_->checksum()) {
    log_warn("mlm_loss omitted: the prepared data at ", dir.string(),
             " was tokenized with another tokenizer than the checkpoint's");
    return;
  }
  data_ = data;
  dev_ = make_split_source(data_, "dev");
}

void CheckpointEvaluator::switch_tokenizer(const LoadedModel& loaded, const Config& config, const fs::path& run_dir,
                                           const std::string& path) {
  probes_.reset();
  tokenizer_ = std::make_unique<Tokenizer>(Tokenizer::from_serialized(loaded.tokenizer_model, path + " (tokenizer)"));
  EvalConfig eval = config.eval;
  if (options_.uas) eval.uas = *options_.uas;
  if (options_.blimp) eval.blimp = *options_.blimp;
  if (options_.uas_max_sentences) eval.uas_max_sentences = *options_.uas_max_sentences;
  if (options_.blimp_max_pairs) eval.blimp_max_pairs = *options_.blimp_max_pairs;
  if (eval.uas.empty() && eval.blimp.empty()) {
    log_warn("no probe configured: the checkpoint's config sets neither eval.uas nor eval.blimp (hint: --uas "
             "CONLLU, --blimp DIR)");
  }
  probes_ = std::make_unique<Probes>(eval, *tokenizer_);
  open_dev_data(config, run_dir);
}

nlohmann::json CheckpointEvaluator::evaluate(const std::string& path, const fs::path& run_dir) {
  LoadedModel loaded = load_model_checkpoint(path);
  const Config config = load_config_from_string(loaded.config_yaml, path + " (stored config)");
  if (!tokenizer_ || crc32(loaded.tokenizer_model) != tokenizer_->checksum()) {
    switch_tokenizer(loaded, config, run_dir, path);
  }
  loaded.model->to(device_);
  nlohmann::json out = {{"step", loaded.step}, {"checkpoint", path}};
  if (dev_) {
    const EvalConfig& e = config.eval;
    const MlmEvalResult mlm =
        evaluate_mlm(loaded.model, *dev_, masking_options_from(config.data, data_->tokenizer()),
                     uint64_t(e.mask_seed), e.batch_size, e.max_batches, device_);
    out["mlm_loss"] = mlm.loss;
    out["mlm_accuracy"] = mlm.accuracy;
    out["masked_tokens"] = mlm.masked;
    out["sas_r_per_arc"] = mlm.sas_r_per_arc;
    out["arcs"] = mlm.arcs;
  }
  out.update(probes_->run(loaded.model, device_));
  return out;
}

// Lines of eval.jsonl, each checked to be an object with an integer step.
std::vector<nlohmann::json> read_eval_lines(const fs::path& file) {
  std::vector<nlohmann::json> lines;
  if (!fs::exists(file)) return lines;
  require_regular_file(file, "eval results");
  std::ifstream in(file);
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    nlohmann::json record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!record.is_object() || !record.contains("step") || !record["step"].is_number_integer()) {
      throw UserError(cat(file.string(), ":", number, ": expected a JSON object with an integer \"step\", found '",
                          line.substr(0, 80), "' (hint: delete the line to evaluate that checkpoint again)"));
    }
    lines.push_back(std::move(record));
  }
  return lines;
}

void write_eval_lines(const fs::path& file, const std::vector<nlohmann::json>& lines) {
  std::string text;
  for (const auto& line : lines) text += line.dump() + "\n";
  write_file_atomic(file, text);
}

}  // namespace

nlohmann::json evaluate_checkpoint(const std::string& path, const EvalRunOptions& options) {
  // A checkpoint lives in <run dir>/checkpoints/: the run dir is where its prepared data defaults to.
  const fs::path run_dir = fs::absolute(path).parent_path().parent_path();
  CheckpointEvaluator evaluator(options);
  return evaluator.evaluate(path, run_dir);
}

EvalRunSummary evaluate_run(const std::string& run_dir, const EvalRunOptions& options) {
  const fs::path dir(run_dir);
  const fs::path checkpoints = dir / "checkpoints";
  if (!fs::is_directory(checkpoints)) {
    throw UserError("--run " + run_dir + ": no checkpoints folder (" + checkpoints.string() +
                    ") (hint: pass the run.dir of a training run)");
  }
  EvalRunSummary summary;
  summary.eval_jsonl = (dir / "eval.jsonl").string();
  summary.onsets_json = (dir / "onsets.json").string();
  std::vector<nlohmann::json> lines = read_eval_lines(summary.eval_jsonl);
  std::map<int64_t, bool> done;
  for (const auto& line : lines) done[line["step"].get<int64_t>()] = true;

  std::vector<std::pair<int64_t, std::string>> todo;
  for (const std::string& path : list_checkpoints(checkpoints.string())) {
    const int64_t step = checkpoint_step(path);
    if (done.count(step)) {
      ++summary.already_done;
    } else {
      todo.emplace_back(step, path);
    }
  }
  std::sort(todo.begin(), todo.end());
  CheckpointEvaluator evaluator(options);
  for (const auto& [step, path] : todo) {
    nlohmann::json record = evaluator.evaluate(path, dir);
    log_info("eval ", path, ": step ", record["step"].get<int64_t>(),
             record.contains("uas") ? cat(" uas ", fixed(record["uas"].get<double>(), 4)) : std::string());
    lines.push_back(std::move(record));
    write_eval_lines(summary.eval_jsonl, lines);
    summary.evaluated.push_back(step);
  }
  summary.onsets = onsets_to_json(onsets_from_records(lines));
  summary.onsets["source"] = "eval.jsonl";
  write_file_atomic(summary.onsets_json, summary.onsets.dump(2) + "\n");
  // A run that logs to TensorBoard gets these results beside its training curves, as the run "eval" (DIR/tb/eval),
  // rewritten whole from eval.jsonl each time, so a checkpoint evaluated again never appears twice.
  if (fs::is_directory(dir / "tb") && !lines.empty()) {
    const std::string tb_eval = (dir / "tb" / "eval").string();
    drop_tensorboard_events_after(tb_eval, -1);
    TensorBoardWriter writer(tb_eval);
    for (const auto& line : lines) writer.scalars(record_scalars("eval", line), line["step"].get<int64_t>());
    writer.scalars(record_scalars("onsets", summary.onsets), lines.back()["step"].get<int64_t>());
    summary.tensorboard_dir = tb_eval;
  }
  return summary;
}

}  // namespace sasmlm
