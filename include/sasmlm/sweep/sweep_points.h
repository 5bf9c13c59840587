// Expanding a sweep into its points (grid cartesian product x zip tuples) and naming each point's run.
//
// Order: the grid's first axis varies slowest, the zip tuple fastest. Names come from the axis values, one
// `<label><value>` part per axis joined by '_', e.g. `until3000_lam0.001_seed1`: the label is the key's last
// non-index part (`lambda` shortens to `lam`; when two axes share a label, the key's parts after the section are
// used); a value that does not start with a digit, sign or dot is joined with '-' (`variant-max`). Characters
// other than letters, digits and `.+-=` become '-'. A `name:` template replaces this: `{KEY}` is the point's value
// of axis KEY, `{index}` its index.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sasmlm/sweep/sweep_file.h"

namespace sasmlm {

struct SweepPoint {
  size_t index = 0;                                         // position in the job array
  std::string name;                                         // run directory name under out/
  std::vector<std::pair<std::string, std::string>> values;  // (axis key, YAML value), grid axes then zip axes
};

// Every point, named. Throws UserError for a template naming an unknown axis, an invalid name, or two points with
// the same name (naming both points).
std::vector<SweepPoint> expand_sweep(const SweepSpec& spec);

// The axis keys in point order: grid axes, then zip axes.
std::vector<std::string> sweep_axis_keys(const SweepSpec& spec);

// "key=value, key=value" for messages.
std::string describe_point(const SweepPoint& point);

}  // namespace sasmlm
