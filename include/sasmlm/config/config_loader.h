// Loading, overriding, validating and dumping the YAML configuration (structs in config.h).
//
// A config file is a map of sections (run, data, tokenizer, model, sas, trainer, checkpoint, eval, distributed,
// logging) plus an optional `base: OTHER.yaml`, merged first (path relative to the including file, recursively).
// Later sources replace earlier ones key by key inside a section; a list value (data.train, sas.schedule, ...)
// replaces the whole list. `--set` overrides come last. Unknown keys, wrong types and out-of-range values are
// UserErrors with one-line messages `<file>:<line>: <key>: <problem>` (`--set: <key>: <problem>` for overrides).
//
// Paths inside the config (data.train, data.dev, data.prepared_dir, eval.uas, eval.blimp, run.dir) are kept as
// written: their users resolve them relative to the current working directory, not to the config file.
// Derived values (model.layers = 0 meaning "from the preset", ...) stay unresolved; the modules resolve them.
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "sasmlm/config/config.h"

namespace sasmlm {

// Loads a YAML config file, merging `base:` files first (path relative to the including file, recursive, cycle
// detection), then applies --set overrides ("dotted.key=YAML value"), then validates. Throws UserError.
// An empty file is a valid config (all defaults). Config::source_path is set to `path`.
Config load_config(const std::string& path, const std::vector<std::string>& overrides = {});

// Same from a YAML string (`name` is used in messages and as source_path; a `base:` is resolved relative to
// name's directory), for tests and for configs stored inside checkpoints.
Config load_config_from_string(const std::string& yaml, const std::string& name,
                               const std::vector<std::string>& overrides = {});

// The resolved config as YAML: every section and field, each with its one-line comment (`# ...`). It round-trips
// through load_config_from_string to an equal Config (source_path aside).
std::string dump_config(const Config& config);

// Every field of the config as (dotted key, value): numbers, bools and strings as themselves, lists (the schedule,
// data paths) as their YAML flow text. A flat view for TensorBoard's hparams and other tables.
using ConfigFieldValue = std::variant<double, bool, std::string>;
std::vector<std::pair<std::string, ConfigFieldValue>> config_fields(const Config& config);

// Range, enum and cross-field checks, done once; throws UserError naming the key. Called by the loaders, which
// also prefix the file and line the offending value came from.
void validate_config(const Config& config);

}  // namespace sasmlm
