#include "commands.h"
#include "config_args.h"
#include "live_line.h"
#include "sasmlm/core/error.h"
#include "sasmlm/dist/process_group.h"
#include "sasmlm/train/train_plan.h"
#include "sasmlm/train/trainer.h"

#include <iostream>

namespace sasmlm::cli {

namespace {
int run_train(const Args& args) {
  Config config = load_config_from_args(args, train_command());
  if (args.has("--dry-run")) {
    const long long ranks = args.get_int("--ranks", detect_dist_env().world_size);
    if (ranks < 1) throw UserError("--ranks: expected a positive number of processes, found " + std::to_string(ranks));
    std::cout << describe_train_plan(config, ranks) << std::flush;
    return kExitOk;
  }
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
  c.usage = "sasmlm train --config CFG [--set KEY=VALUE]... [--resume auto|PATH] [--dry-run [--ranks N]] "
            "[--log-level LEVEL]";
  c.options = config_options();
  c.options.push_back({"--resume", "auto|PATH", "continue from the newest valid checkpoint of run.dir, or from PATH"});
  c.options.push_back({"--dry-run", "", "check the config and its inputs and print the plan (steps, tokens, "
                                        "checkpoints, lambda windows) without training"});
  c.options.push_back({"--ranks", "N", "with --dry-run: the number of processes (GPUs) the run will have (default: "
                                       "from torchrun/Slurm variables, else 1)"});
  c.run = run_train;
  return c;
}

}  // namespace sasmlm::cli
