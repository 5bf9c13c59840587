// Range, enum and cross-field checks on a merged Config (the public entry is validate_config in
// config_loader.h). With the sources the loader recorded, a message points at the file and line of the value.
#pragma once

#include "key_sources.h"
#include "sasmlm/config/config.h"

namespace sasmlm {

// Throws UserError `[<file>:<line>: ]<key>: <problem>` for the first bad value, in section and field order;
// non-finite numbers are reported before anything else. `sources` may be null.
void validate_config(const Config& config, const KeySources* sources);

}  // namespace sasmlm
