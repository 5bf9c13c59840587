#include <iostream>

#include "commands.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/eval/fill_mask_run.h"

namespace sasmlm::cli {

namespace {
int run_fill_mask_command(const Args& args) {
  const Command command = fill_mask_command();
  FillMaskRequest request;
  request.checkpoint = args.require("--checkpoint", command);
  if (args.has("--ids") == !args.positional.empty()) {
    throw UserError("sasmlm fill-mask: give either TEXT or --ids \"ID ID ...\" (usage: " + command.usage + ")");
  }
  if (args.positional.size() > 1) {
    throw UserError("sasmlm fill-mask: expected one TEXT argument, found " + std::to_string(args.positional.size()) +
                    " (hint: quote the text)");
  }
  if (args.has("--ids")) {
    request.ids = args.get("--ids");
    if (request.ids.find_first_not_of(" \t") == std::string::npos) throw UserError("--ids: no token ids given");
  } else {
    request.text = args.positional.front();
  }
  request.top_k = args.get_int("--top-k", request.top_k);
  request.json = args.has("--json");
  request.dump_logits = args.get("--dump-logits");
  setup_logging(args.get("--log-level", "warn"), "", true);
  std::cout << run_fill_mask(request);
  return kExitOk;
}
}  // namespace

Command fill_mask_command() {
  Command c;
  c.name = "fill-mask";
  c.summary = "top-k predictions with log-probabilities for every [MASK] of a text or an id list";
  c.usage = "sasmlm fill-mask --checkpoint PATH [--top-k K] [--json] [--log-level LEVEL] (TEXT | --ids \"ID ID ...\")";
  c.positional = "TEXT";
  c.options = {
      {"--checkpoint", "PATH", "a sasmlm checkpoint (trained, or made by sasmlm import)"},
      {"--top-k", "K", "predictions per [MASK] (default 5)"},
      {"--json", "", "print {\"masks\": [{\"position\", \"top\": [{\"id\", \"token\", \"logprob\"}]}]} "
                     "instead of a table"},
      {"--ids", "\"ID ID ...\"", "token ids used as given (add [CLS]/[SEP] yourself) instead of TEXT"},
      {"--dump-logits", "FILE", "also write every position's logits to FILE (safetensors: logits (T, V) float32, "
                                "input_ids (T,) int64), for parity checks"},
      log_level_option("default warn"),
  };
  c.run = run_fill_mask_command;
  return c;
}

}  // namespace sasmlm::cli
