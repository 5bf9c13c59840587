// Dotted config keys as `--set` and sweep axes write them: a section (`trainer`), a field (`trainer.lr`), or a path
// into a list field where a number selects an item: `sas.schedule.0.until` (the first window's `until`),
// `data.train.1` (the second training entry). The config reader is their one reading, so --set and the sweep axes
// accept and refuse the same keys with the same messages.
#pragma once

#include <string>
#include <vector>

#include "sasmlm/config/config.h"

namespace sasmlm {

// "sas.schedule.0.until" -> {"sas", "schedule", "0", "until"}.
std::vector<std::string> split_key(const std::string& key);

// Whether a part of a key selects a list item: digits only ("0", "12").
bool is_list_index(const std::string& part);

// Checks that `key` names something in `config` -- a section, a field, an item of a list field by index, a key
// inside such an item -- without changing anything: the checks `--set KEY=...` makes before it reads the value.
// A key inside a list item may be absent there (an optional window field such as `until`); reading the value
// checks its name. Throws UserError "<key>: <problem>": an unknown key with the nearest known one, an index out of
// range with the list's length, or a path into a field that is not a list.
void check_config_key(const Config& config, const std::string& key);

}  // namespace sasmlm
