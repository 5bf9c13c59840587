// resolve_sweep: base config + a point's axis values -> a validated Config per run.
//
// Axis values are applied as config overrides (the `--set` machinery, so they get the same type and range checks).
// An axis into a list item (`sas.schedule.0.until`) is applied by editing that list in the resolved base config and
// overriding the whole list, which is how the config loader replaces lists anyway.
#include "sasmlm/sweep/sweep_config.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>

#include "sasmlm/config/config_loader.h"
#include "sasmlm/sweep/sweep_points.h"
#include "sasmlm/core/error.h"

namespace sasmlm {
namespace {

namespace fs = std::filesystem;


bool parse_index(const std::string& part, size_t* index) {
  if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos) return false;
  *index = std::stoul(part);
  return true;
}

std::string flow_yaml(const YAML::Node& node) {
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  out << node;
  return out.c_str();
}

std::string map_keys(const YAML::Node& map) {
  std::string keys;
  for (const auto& entry : map) keys += (keys.empty() ? "" : ", ") + entry.first.Scalar();
  return keys;
}

const SweepAxis& axis_of(const SweepSpec& spec, const std::string& key) {
  for (const auto* axes : {&spec.grid, &spec.zip}) {
    for (const SweepAxis& axis : *axes) {
      if (axis.key == key) return axis;
    }
  }
  SASMLM_CHECK(false, "no axis " + key);
  return spec.grid.front();
}

// Checks that `key` names something in the resolved base config: a section, a field, a list item by index; keys
// inside a list item may be absent (optional window fields such as `until`), the loader checks them.
void check_axis_key(const SweepSpec& spec, const SweepAxis& axis, const YAML::Node& base) {
  const auto parts = split_key(axis.key);
  const std::string where = spec.path + ":" + std::to_string(axis.line) + ": " + axis.key + ": ";
  YAML::Node node = base;
  std::string path;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    const std::string parent = path.empty() ? "the config" : path;
    if (node.IsMap()) {
      if (!node[part]) {
        if (i >= 3) return;  // a field of a list item
        throw UserError(where + "unknown config key: " + parent + " has no '" + part + "' (it has: " + map_keys(node) +
                        ")");
      }
      node.reset(node[part]);
    } else if (node.IsSequence()) {
      size_t index = 0;
      if (!parse_index(part, &index)) {
        throw UserError(where + parent + " is a list: expected an item index, got '" + part + "'");
      }
      if (index >= node.size()) {
        throw UserError(where + parent + " has " + std::to_string(node.size()) + " item(s) in the base config " +
                        spec.base + "; index " + part +
                        " is out of range (hint: give the list its full length "
                        "in the base config)");
      }
      node.reset(node[index]);
    } else {
      throw UserError(where + parent + " is a single value; it has no '" + part + "'");
    }
    path += (path.empty() ? "" : ".") + part;
  }
}

// Sets the value at parts[from..] inside `node` (a clone of a base list or map).
void set_at(YAML::Node node, const std::vector<std::string>& parts, size_t from, const YAML::Node& value) {
  for (size_t i = from; i + 1 < parts.size(); ++i) {
    size_t index = 0;
    // reset(), not operator=: assigning a yaml-cpp node writes through to the tree it came from.
    if (node.IsSequence() && parse_index(parts[i], &index)) {
      node.reset(node[index]);
    } else {
      node.reset(node[parts[i]]);
    }
  }
  size_t index = 0;
  if (node.IsSequence() && parse_index(parts.back(), &index)) {
    node[index] = value;
  } else {
    node[parts.back()] = value;
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
  const YAML::Node base = YAML::Load(base_yaml);
  for (const auto* axes : {&spec.grid, &spec.zip}) {
    for (const SweepAxis& axis : *axes) check_axis_key(spec, axis, base);
  }

  std::vector<ResolvedPoint> resolved;
  for (const SweepPoint& point : points) {
    // Fields edited below their top (list items) are collected first, so two axes into one list compose.
    std::map<std::string, YAML::Node> edited;
    std::vector<std::string> order;
    for (const auto& [key, value_text] : point.values) {
      const auto parts = split_key(key);
      YAML::Node value;
      try {
        value = YAML::Load(value_text);
      } catch (const YAML::Exception& e) {
        const SweepAxis& axis = axis_of(spec, key);
        throw UserError(spec.path + ":" + std::to_string(axis.line) + ": " + key + ": malformed value '" + value_text +
                        "': " + e.msg);
      }
      const std::string field = parts.size() >= 2 ? parts[0] + "." + parts[1] : parts[0];
      if (!edited.count(field)) {
        order.push_back(field);
        edited.emplace(field, parts.size() > 2 ? YAML::Clone(base[parts[0]][parts[1]]) : value);
      }
      if (parts.size() > 2) {
        set_at(edited.at(field), parts, 2, value);
      } else {
        edited.at(field).reset(value);
      }
    }
    ResolvedPoint r;
    r.point = point;
    r.run_dir = (fs::path(spec.out) / point.name).string();
    std::vector<std::string> overrides;
    for (const std::string& field : order) overrides.push_back(field + "=" + flow_yaml(edited[field]));
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
