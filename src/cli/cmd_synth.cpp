
#include "commands.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/core/size_limits.h"
#include "sasmlm/data/synth.h"

namespace sasmlm::cli {

namespace {
int run_synth(const Args& args) {
  SynthOptions options;
  options.out_dir = args.require("--out", synth_command());
  options.sentences = args.get_int("--sentences", options.sentences);
  options.seed = uint64_t(args.get_int("--seed", int64_t(options.seed)));
  options.pairs_per_paradigm = args.get_int("--pairs", options.pairs_per_paradigm);
  if (options.sentences <= 0) throw UserError("--sentences: must be > 0, got " + std::to_string(options.sentences));
  check_at_most("--sentences", options.sentences, kMaxGeneratedItems);
  check_at_most("--pairs", options.pairs_per_paradigm, kMaxGeneratedItems);
  setup_logging(args.get("--log-level", "info"), "", true);
  synthesize(options);  // logs its own summary
  return kExitOk;
}
}  // namespace

Command synth_command() {
  Command c;
  c.name = "synth";
  c.summary = "generate the embedded synthetic treebank (gold CoNLL-U) and BLiMP-style minimal pairs";
  c.usage = "sasmlm synth --out DIR [--sentences N] [--seed S] [--pairs N] [--log-level LEVEL]";
  c.options = {
      {"--out", "DIR", "output directory: DIR/{train,dev,test}.conllu and DIR/blimp/<paradigm>.jsonl"},
      {"--sentences", "N", "sentences in all splits (default 100000)"},
      {"--seed", "S", "random seed; the same seed gives byte-identical files (default 1)"},
      {"--pairs", "N", "minimal pairs per paradigm (default 1000)"},
      log_level_option("default info"),
  };
  c.run = run_synth;
  return c;
}

}  // namespace sasmlm::cli
