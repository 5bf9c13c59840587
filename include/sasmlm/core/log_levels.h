// The log levels users can name: every command's --log-level and the config's logging.level accept these and no
// others. Their one definition: parse_log_level (logging.h), the config validator and every help text read it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sasmlm/core/logging.h"

namespace sasmlm {

// trace, debug, info, warn, error, off: most verbose first.
const std::vector<std::string>& log_level_names();

// The same for help texts: "trace | debug | info | warn | error | off".
const char* log_level_help();

// The level called `name`; nullopt when it is none of log_level_names().
std::optional<LogLevel> find_log_level(const std::string& name);

}  // namespace sasmlm
