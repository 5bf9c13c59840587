#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/core/output_path.h"
#include "sasmlm/eval/eval_run.h"

namespace sasmlm::cli {

namespace {
int run_eval(const Args& args) {
  const Command command = eval_command();
  if (args.has("--checkpoint") == args.has("--run")) {
    throw UserError("sasmlm eval: give exactly one of --checkpoint PATH or --run DIR (usage: " + command.usage + ")");
  }
  if (args.has("--run") && args.has("--out")) {
    throw UserError("sasmlm eval: --out goes with --checkpoint; --run writes DIR/eval.jsonl and DIR/onsets.json");
  }
  if (args.has("--out")) {
    // Checked before the evaluation, which can take a while: replace only an earlier `eval --out` result.
    check_output_file(args.get("--out"), "eval --out", args.has("--force"), [](const std::filesystem::path& p) {
      const nlohmann::json j = nlohmann::json::parse(read_file(p, "eval --out"), nullptr, false);
      return j.is_object() && j.contains("eval_seconds");
    });
  }
  setup_logging(args.get("--log-level", "info"), "", true);
  EvalRunOptions options;
  if (args.has("--uas")) options.uas = args.get("--uas");
  if (args.has("--blimp")) options.blimp = args.get("--blimp");
  if (args.has("--uas-max-sentences")) options.uas_max_sentences = args.get_int("--uas-max-sentences", 0);
  if (args.has("--blimp-max-pairs")) options.blimp_max_pairs = args.get_int("--blimp-max-pairs", 0);
  options.device = args.get("--device", options.device);

  if (args.has("--checkpoint")) {
    const std::string text = evaluate_checkpoint(args.get("--checkpoint"), options).dump(2) + "\n";
    if (args.has("--out")) {
      write_file_atomic(args.get("--out"), text);
    } else {
      std::cout << text;
    }
    return kExitOk;
  }
  const std::string dir = args.get("--run");
  const EvalRunSummary summary = evaluate_run(dir, options);
  std::cout << "evaluated " << summary.evaluated.size() << " checkpoint(s), " << summary.already_done
            << " already in " << summary.eval_jsonl << "\n"
            << "onsets: " << summary.onsets_json << "\n";
  if (!summary.tensorboard_dir.empty()) std::cout << "TensorBoard: " << summary.tensorboard_dir << "\n";
  std::cout << "figure: scripts/plot_dynamics.py " << dir << "\n";
  return kExitOk;
}
}  // namespace

Command eval_command() {
  Command c;
  c.name = "eval";
  c.summary = "implicit-parse UAS, BLiMP, TwoNN and held-out MLM loss of a checkpoint, or of every checkpoint of a run";
  c.usage = "sasmlm eval (--checkpoint PATH | --run DIR) [--uas CONLLU] [--blimp DIR] [--out FILE [--force]] "
            "[--blimp-max-pairs N] [--uas-max-sentences N] [--device cpu|cuda|auto] [--log-level LEVEL]";
  c.options = {
      {"--checkpoint", "PATH", "evaluate one checkpoint; one JSON object to stdout (or --out)"},
      {"--run", "DIR", "evaluate DIR/checkpoints not yet in DIR/eval.jsonl, append them, write DIR/onsets.json"},
      {"--uas", "CONLLU", "treebank for implicit-parse UAS (default: the checkpoint config's eval.uas; \"\" = none)"},
      {"--blimp", "DIR", "BLiMP jsonl directory (default: the checkpoint config's eval.blimp; \"\" = none)"},
      {"--out", "FILE", "write the --checkpoint JSON to FILE instead of stdout"},
      {"--force", "", "with --out: replace a file that is not an earlier eval result"},
      {"--blimp-max-pairs", "N", "BLiMP pairs per paradigm, 0 = all (default: eval.blimp_max_pairs)"},
      {"--uas-max-sentences", "N", "first N sentences of the treebank, 0 = all (default: eval.uas_max_sentences)"},
      {"--device", "cpu|cuda|auto", "where to run (default auto: CUDA when visible)"},
      log_level_option("default info; logs go to stderr"),
  };
  c.run = run_eval;
  return c;
}

}  // namespace sasmlm::cli
