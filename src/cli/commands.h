// The subcommands of the `sasmlm` executable. Each lives in cmd_<name>.cpp: parse flags, call one library function.
#pragma once

#include <vector>

#include "args.h"

namespace sasmlm::cli {

Command train_command();
Command prepare_command();
Command synth_command();
Command eval_command();
Command export_command();
Command import_command();
Command fill_mask_command();
Command sweep_command();

// All subcommands, in the order `sasmlm --help` lists them. Only commands that work are listed.
std::vector<Command> all_commands();

}  // namespace sasmlm::cli
