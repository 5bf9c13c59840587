#include "commands.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/train/hf_checkpoint.h"

namespace sasmlm::cli {

namespace {
int run_import(const Args& args) {
  const std::string dir = args.require("--hf", import_command());
  const std::string out = args.require("--out", import_command());
  setup_logging(args.get("--log-level", "info"), "", true);
  import_hf_checkpoint(dir, out, args.has("--force"));
  return kExitOk;
}
}  // namespace

Command import_command() {
  Command c;
  c.name = "import";
  c.summary = "make a model checkpoint from a Hugging Face BERT directory (WordPiece vocab.txt or spiece.model)";
  c.usage = "sasmlm import --hf DIR --out PATH [--force] [--log-level LEVEL]";
  c.options = {
      {"--hf", "DIR", "config.json + model.safetensors + vocab.txt (lowercasing per tokenizer_config.json's "
                      "do_lower_case, default true) or spiece.model"},
      {"--out", "PATH", "checkpoint to write; `sasmlm eval --checkpoint` and `sasmlm fill-mask` read it"},
      {"--force", "", "replace an existing file at --out that is not an earlier import (a training checkpoint)"},
      log_level_option("default info"),
  };
  c.run = run_import;
  return c;
}

}  // namespace sasmlm::cli
