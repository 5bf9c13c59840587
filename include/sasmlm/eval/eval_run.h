// `sasmlm eval`: the probes (probes.h) and held-out MLM loss on saved checkpoints, one checkpoint or a whole run.
//
// Lives in its own library (sasmlm_lib_eval_run) above both eval and train: it reads checkpoints (train), while
// the trainer itself calls the probes (eval) during training.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sasmlm {

// Unset fields come from the checkpoint's own stored config (eval.uas, eval.blimp, ...).
struct EvalRunOptions {
  std::optional<std::string> uas;                 // CoNLL-U file for UAS ("" = skip)
  std::optional<std::string> blimp;               // directory of BLiMP jsonl files ("" = skip)
  std::optional<int64_t> uas_max_sentences;       // 0 = all
  std::optional<int64_t> blimp_max_pairs;         // per paradigm, 0 = all
  std::string device = "auto";                    // auto | cpu | cuda
};

// One checkpoint: {"step", "checkpoint", "mlm_loss", "mlm_accuracy", probe fields...}. mlm_loss is measured on the
// dev split of the run's prepared data (data.prepared_dir, else <run dir>/prepared beside the checkpoints folder)
// with eval.mask_seed; when that data is missing or has another tokenizer the fields are omitted and a warning
// says why. UserError for an unreadable checkpoint or bad probe inputs.
nlohmann::json evaluate_checkpoint(const std::string& path, const EvalRunOptions& options);

struct EvalRunSummary {
  std::vector<int64_t> evaluated;  // steps evaluated now, ascending
  int64_t already_done = 0;        // checkpoints skipped because eval.jsonl holds their step
  std::string eval_jsonl;          // DIR/eval.jsonl
  std::string onsets_json;         // DIR/onsets.json
  nlohmann::json onsets;           // its contents
  std::string tensorboard_dir;     // DIR/tb/eval when the run logs to TensorBoard (DIR/tb exists), else ""
};

// Every checkpoint of DIR/checkpoints whose step DIR/eval.jsonl does not hold yet, in step order; each result is
// appended to eval.jsonl as one line (the file is rewritten atomically after each checkpoint, so an interrupted
// run loses at most the checkpoint in progress). Then the onsets of the whole series (onsets.h) go to
// DIR/onsets.json, and when DIR/tb exists, every eval.jsonl line and the onsets to TensorBoard under DIR/tb/eval
// (tags eval/..., onsets/...). UserError when DIR has no checkpoints folder or eval.jsonl holds a line that is not
// a JSON object with an integer step.
EvalRunSummary evaluate_run(const std::string& run_dir, const EvalRunOptions& options);

}  // namespace sasmlm
