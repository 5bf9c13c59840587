// Resolving each sweep point to a complete, validated config: the base config with the point's axis values applied
// and run.dir set to out/<run name>.
#pragma once

#include <string>
#include <vector>

#include "sasmlm/config/config.h"
#include "sasmlm/sweep/sweep_file.h"
#include "sasmlm/sweep/sweep_points.h"

namespace sasmlm {

struct ResolvedPoint {
  SweepPoint point;
  std::string run_dir;      // absolute: out/<name>
  Config config;            // validated
  std::string config_yaml;  // dump_config(config): what plan writes to run_dir/config.yaml
};

// Loads the base config once, checks every axis key against it (unknown sections and fields, list indexes out of
// range), then applies each point's values and validates the result. Every point is resolved before this returns,
// so a bad value is reported before anything is written; the message names the point and the key.
std::vector<ResolvedPoint> resolve_sweep(const SweepSpec& spec, const std::vector<SweepPoint>& points);

// Whether two resolved configs are the same, ignoring where they were loaded from.
bool same_config(const Config& a, const Config& b);

}  // namespace sasmlm
