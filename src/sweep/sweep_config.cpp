// resolve_sweep: base config + a point's axis values -> a validated Config per run.
//
// Axis values are applied as config overrides: the `--set` machinery, so an axis key means what it means to --set
// (list items by index: `sas.schedule.0.until`; config_key.h) and its value gets the same type and range checks.
#include "sasmlm/sweep/sweep_config.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "sasmlm/config/config_key.h"
#include "sasmlm/config/config_loader.h"
#include "sasmlm/config/yaml_document.h"
#include "sasmlm/core/error.h"
#include "sasmlm/sweep/sweep_points.h"

namespace sasmlm {
namespace {

namespace fs = std::filesystem;

// Checks `axis.key` against the resolved base config as --set would (unknown keys, list indexes out of range: the
// lengths are the base config's), so a bad key is reported with its sweep-file line before any point is resolved.
void check_axis_key(const SweepSpec& spec, const SweepAxis& axis, const Config& base) {
  try {
    check_config_key(base, axis.key);
  } catch (const UserError& e) {
    throw UserError(spec.path + ":" + std::to_string(axis.line) + ": " + e.what());
  }
}

std::string comparable_dump(Config config) {
  config.source_path.clear();
  return dump_config(config);
}

}  // namespace

bool same_config(const Config& a, const Config& b) { return comparable_dump(a) == comparable_dump(b); }

std::vector<ResolvedPoint> resolve_sweep(const SweepSpec& spec, const std::vector<SweepPoint>& points) {
  std::error_code ec;
  if (!fs::is_regular_file(spec.base, ec)) throw UserError(spec.path + ": base: config file not found: " + spec.base);
  Config base_config = load_config(spec.base);
  base_config.source_path.clear();
  const std::string base_yaml = dump_config(base_config);
  for (const auto* axes : {&spec.grid, &spec.zip}) {
    for (const SweepAxis& axis : *axes) check_axis_key(spec, axis, base_config);
  }

  std::vector<ResolvedPoint> resolved;
  for (const SweepPoint& point : points) {
    ResolvedPoint r;
    r.point = point;
    r.run_dir = (fs::path(spec.out) / point.name).string();
    // In axis order, so two axes into one list (sas.schedule.0.until, sas.schedule.0.lambda) compose.
    std::vector<std::string> overrides;
    for (const auto& [key, value_text] : point.values) overrides.push_back(key + "=" + value_text);
    overrides.push_back("run.dir=" + flow_yaml(YAML::Node(r.run_dir)));
    try {
      r.config = load_config_from_string(base_yaml, spec.base, overrides);
    } catch (const UserError& e) {
      std::string message = e.what();
      if (message.rfind("--set: ", 0) == 0) message = message.substr(7);
      throw UserError(spec.path + ": point " + std::to_string(point.index) + " '" + point.name + "' (" +
                      describe_point(point) + "): " + message + " (nothing was written)");
    }
    r.config.source_path = spec.path + " (point " + std::to_string(point.index) + ": " + describe_point(point) + ")";
    r.config_yaml = dump_config(r.config);
    resolved.push_back(std::move(r));
  }
  return resolved;
}

}  // namespace sasmlm
