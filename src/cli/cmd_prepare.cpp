#include "commands.h"
#include "config_args.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/data/prepared_source.h"

namespace sasmlm::cli {

namespace {
int run_prepare(const Args& args) {
  Config config = load_config_from_args(args, prepare_command());
  setup_logging(config.logging.level, "", true);
  prepare_and_open(config.data, config.tokenizer, prepared_dir_for(config.data, config.run.dir));
  return kExitOk;
}
}  // namespace

Command prepare_command() {
  Command c;
  c.name = "prepare";
  c.summary = "CoNLL-U -> tokenizer, subword shards with dependency arcs, manifest.json (data.prepared_dir)";
  c.usage = "sasmlm prepare --config CFG [--set KEY=VALUE]... [--log-level LEVEL]";
  c.options = config_options();
  c.run = run_prepare;
  return c;
}

}  // namespace sasmlm::cli
