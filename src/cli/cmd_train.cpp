#include "commands.h"
#include "config_args.h"
#include "live_line.h"
#include "sasmlm/core/error.h"
#include "sasmlm/train/trainer.h"

namespace sasmlm::cli {

namespace {
int run_train(const Args& args) {
  Config config = load_config_from_args(args, train_command());
  TrainOptions options;
  options.resume = args.get("--resume");
  LiveLine live_line;
  if (live_line.enabled()) options.on_step = [&live_line](const StepProgress& p) { live_line.update(p); };
  train(config, options);
  return kExitOk;
}
}  // namespace

Command train_command() {
  Command c;
  c.name = "train";
  c.summary = "train a model from a YAML config (prepares the data first when needed)";
  c.usage = "sasmlm train --config CFG [--set KEY=VALUE]... [--resume auto|PATH] [--log-level LEVEL]";
  c.options = config_options();
  c.options.push_back({"--resume", "auto|PATH", "continue from the newest valid checkpoint of run.dir, or from PATH"});
  c.run = run_train;
  return c;
}

}  // namespace sasmlm::cli
