#include "commands.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/train/hf_checkpoint.h"

namespace sasmlm::cli {

namespace {
int run_export(const Args& args) {
  const std::string checkpoint = args.require("--checkpoint", export_command());
  const std::string out = args.require("--out", export_command());
  setup_logging(args.get("--log-level", "info"), "", true);
  export_checkpoint_hf(checkpoint, out, args.has("--force"));
  return kExitOk;
}
}  // namespace

Command export_command() {
  Command c;
  c.name = "export";
  c.summary = "write a checkpoint as a Hugging Face BertForMaskedLM directory (config, safetensors, tokenizer)";
  c.usage = "sasmlm export --checkpoint PATH --out DIR [--force] [--log-level LEVEL]";
  c.options = {
      {"--checkpoint", "PATH", "a sasmlm checkpoint (.ckpt)"},
      {"--out", "DIR", "directory to write: config.json, model.safetensors, and spiece.model or vocab.txt + "
                       "tokenizer_config.json"},
      {"--force", "", "write into a directory that holds other files too (they are left alone)"},
      log_level_option("default info"),
  };
  c.run = run_export;
  return c;
}

}  // namespace sasmlm::cli
