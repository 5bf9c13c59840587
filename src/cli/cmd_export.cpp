#include <iostream>

#include "commands.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/train/hf_checkpoint.h"
#include "sasmlm/train/hf_run_export.h"

namespace sasmlm::cli {

namespace {
int run_export(const Args& args) {
  const Command command = export_command();
  if (args.has("--checkpoint") && args.has("--run")) {
    throw UserError("sasmlm export: --checkpoint and --run exclude each other: give one (usage: " + command.usage +
                    ")");
  }
  if (!args.has("--run")) {
    const std::string checkpoint = args.require("--checkpoint", command);
    const std::string out = args.require("--out", command);
    setup_logging(args.get("--log-level", "info"), "", true);
    export_checkpoint_hf(checkpoint, out, args.has("--force"));
    return kExitOk;
  }
  setup_logging(args.get("--log-level", "info"), "", true);
  const HfRunExportSummary summary = export_run_hf(args.get("--run"), args.get("--out"), args.has("--force"));
  std::cout << "exported " << summary.exported.size() << " checkpoint(s), " << summary.already_done.size()
            << " already exported, " << summary.failed.size() << " failed, in " << summary.out_dir << "\n";
  for (const std::string& why : summary.failed) std::cerr << "error: " << why << "\n";
  // Every good checkpoint is exported before the failures decide the exit code.
  return summary.failed.empty() ? kExitOk : kExitUserError;
}
}  // namespace

Command export_command() {
  Command c;
  c.name = "export";
  c.summary = "write a checkpoint, or every checkpoint of a run, as Hugging Face BertForMaskedLM directories";
  c.usage = "sasmlm export (--checkpoint PATH --out DIR | --run DIR [--out HFDIR]) [--force] [--log-level LEVEL]";
  c.options = {
      {"--checkpoint", "PATH", "a sasmlm checkpoint (.ckpt)"},
      {"--run", "DIR", "every checkpoint of DIR/checkpoints as HFDIR/checkpoint-<step>/ with trainer_state.json; "
                       "those already exported from the same file are skipped"},
      {"--out", "DIR", "directory to write: config.json, model.safetensors, and spiece.model or vocab.txt + "
                       "tokenizer_config.json (with --run: HFDIR, default DIR/hf)"},
      {"--force", "", "write into a directory that holds other files too (they are left alone); with --run: "
                      "replace a checkpoint-<step> that export --run did not write"},
      log_level_option("default info"),
  };
  c.run = run_export;
  return c;
}

}  // namespace sasmlm::cli
