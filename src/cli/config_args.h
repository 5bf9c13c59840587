// The options every config-driven subcommand shares: --config, --set, --log-level.
#pragma once

#include <vector>

#include "args.h"
#include "sasmlm/config/config.h"

namespace sasmlm::cli {

std::vector<OptionSpec> config_options();

// Loads --config with --set overrides (and --log-level as logging.level).
Config load_config_from_args(const Args& args, const Command& command);

}  // namespace sasmlm::cli
