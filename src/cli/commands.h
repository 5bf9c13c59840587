// The subcommands of the `sasmlm` executable. Each lives in cmd_<name>.cpp: parse flags, call one library function.
#pragma once

#include <vector>

#include "args.h"

namespace sasmlm::cli {

Command train_command();
Command prepare_command();
Command synth_command();

// All subcommands, in the order `sasmlm --help` lists them. Only commands that work are listed.
std::vector<Command> all_commands();

}  // namespace sasmlm::cli
