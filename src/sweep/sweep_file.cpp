// load_sweep_file: the sweep YAML -> SweepSpec, with every structural problem named by file, line and key.
#include "sasmlm/sweep/sweep_file.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>

#include "sasmlm/config/yaml_document.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"

namespace sasmlm {
namespace {

namespace fs = std::filesystem;

int line_of(const YAML::Node& node) { return node.Mark().is_null() ? 0 : node.Mark().line + 1; }

[[noreturn]] void fail(const std::string& file, int line, const std::string& key, const std::string& problem) {
  std::string message = file + (line > 0 ? ":" + std::to_string(line) : "") + ": ";
  if (!key.empty()) message += key + ": ";
  throw UserError(message + problem);
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return "'" + node.Scalar() + "'";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    default:
      return "an undefined value";
  }
}

std::string scalar(const YAML::Node& node, const std::string& file, const std::string& key) {
  if (!node.IsScalar()) fail(file, line_of(node), key, "expected a single value, got " + describe(node));
  return node.Scalar();
}

int64_t integer(const YAML::Node& node, const std::string& file, const std::string& key, int64_t min) {
  const std::string text = scalar(node, file, key);
  int64_t value = 0;
  try {
    size_t used = 0;
    value = std::stoll(text, &used);
    if (used != text.size()) throw std::invalid_argument(text);
  } catch (const std::exception&) {
    fail(file, line_of(node), key, "expected an integer, got '" + text + "'");
  }
  if (value < min) fail(file, line_of(node), key, "must be >= " + std::to_string(min) + ", got " + text);
  return value;
}

std::vector<SweepAxis> read_axes(const YAML::Node& map, const std::string& file, const std::string& section) {
  if (!map.IsMap()) fail(file, line_of(map), section, "expected a map {KEY: [values...]}, got " + describe(map));
  std::vector<SweepAxis> axes;
  for (const auto& entry : map) {
    const std::string key = scalar(entry.first, file, section);
    const std::string where = section + "." + key;
    SweepAxis axis;
    axis.key = key;
    axis.line = line_of(entry.first);
    if (key.empty() || key.front() == '.' || key.back() == '.' || key.find("..") != std::string::npos) {
      fail(file, axis.line, where, "expected a dotted config key such as trainer.lr");
    }
    if (!entry.second.IsSequence()) {
      fail(file, axis.line, where,
           "expected a list of values, got " + describe(entry.second) +
               " (hint: a single value belongs in the base config)");
    }
    if (entry.second.size() == 0) fail(file, axis.line, where, "the axis has no values");
    for (const auto& value : entry.second) axis.values.push_back(flow_yaml(value));
    axes.push_back(axis);
  }
  if (axes.empty()) fail(file, line_of(map), section, "no axes (remove the section or give KEY: [values...])");
  return axes;
}

SlurmResources read_slurm(const YAML::Node& map, const std::string& file) {
  SlurmResources r;
  if (!map.IsMap()) fail(file, line_of(map), "slurm", "expected a map of resources, got " + describe(map));
  for (const auto& entry : map) {
    const std::string name = scalar(entry.first, file, "slurm");
    const std::string key = "slurm." + name;
    const YAML::Node& v = entry.second;
    if (name == "job_name") {
      r.job_name = scalar(v, file, key);
    } else if (name == "partition") {
      r.partition = scalar(v, file, key);
    } else if (name == "account") {
      r.account = scalar(v, file, key);
    } else if (name == "nodes") {
      r.nodes = integer(v, file, key, 1);
    } else if (name == "gpus_per_node") {
      r.gpus_per_node = integer(v, file, key, 0);
    } else if (name == "cpus_per_task") {
      r.cpus_per_task = integer(v, file, key, 1);
    } else if (name == "mem") {
      r.mem = scalar(v, file, key);
    } else if (name == "time") {
      r.time = scalar(v, file, key);
    } else if (name == "signal_seconds") {
      r.signal_seconds = integer(v, file, key, 1);
    } else if (name == "extra") {
      if (!v.IsSequence()) fail(file, line_of(v), key, "expected a list of #SBATCH lines, got " + describe(v));
      for (const auto& line : v) r.extra.push_back(scalar(line, file, key));
    } else {
      fail(file, line_of(entry.first), key,
           "unknown key (expected job_name, partition, account, nodes, gpus_per_node, cpus_per_task, mem, time, "
           "signal_seconds, extra)");
    }
  }
  return r;
}

}  // namespace

SweepSpec parse_sweep(const std::string& yaml, const std::string& path) {
  const YAML::Node root = load_yaml_document(yaml, path);
  if (!root.IsMap()) fail(path, 0, "", "expected a map with base, out, grid and/or zip, slurm; got " + describe(root));
  SweepSpec spec;
  spec.path = path;
  bool has_base = false, has_out = false;
  for (const auto& entry : root) {
    const std::string name = scalar(entry.first, path, "");
    const YAML::Node& v = entry.second;
    if (name == "base") {
      fs::path base = scalar(v, path, "base");
      if (base.is_relative()) base = fs::path(path).parent_path() / base;
      spec.base = base.lexically_normal().string();
      has_base = true;
    } else if (name == "out") {
      const std::string out = scalar(v, path, "out");
      if (out.empty()) fail(path, line_of(v), "out", "expected a directory, got an empty string");
      spec.out = fs::absolute(out).lexically_normal().string();
      while (spec.out.size() > 1 && spec.out.back() == '/') spec.out.pop_back();
      has_out = true;
    } else if (name == "name") {
      spec.name_template = scalar(v, path, "name");
    } else if (name == "grid") {
      spec.grid = read_axes(v, path, "grid");
    } else if (name == "zip") {
      spec.zip = read_axes(v, path, "zip");
    } else if (name == "slurm") {
      spec.slurm = read_slurm(v, path);
    } else {
      fail(path, line_of(entry.first), name, "unknown key (expected base, out, name, grid, zip, slurm)");
    }
  }
  if (!has_base) fail(path, 0, "base", "missing (the config every point starts from)");
  if (!has_out) fail(path, 0, "out", "missing (the directory that receives one run directory per point)");
  if (spec.grid.empty() && spec.zip.empty()) fail(path, 0, "grid", "the sweep has no axes (give grid and/or zip)");
  std::set<std::string> seen;
  for (const auto* axes : {&spec.grid, &spec.zip}) {
    for (const SweepAxis& axis : *axes) {
      if (!seen.insert(axis.key).second) fail(path, axis.line, axis.key, "the key is swept twice");
      if (axis.key == "run.dir" || axis.key == "run") {
        fail(path, axis.line, axis.key, "run.dir is set by the sweep (out/<run name>); it cannot be an axis");
      }
    }
  }
  for (const SweepAxis& axis : spec.zip) {
    const SweepAxis& first = spec.zip.front();
    if (axis.values.size() != first.values.size()) {
      fail(path, axis.line, "zip." + axis.key,
           std::to_string(axis.values.size()) + " values, but zip." + first.key + " has " +
               std::to_string(first.values.size()) + " (zip axes are paired: give them equal lengths)");
    }
  }
  if (spec.slurm.job_name.empty()) spec.slurm.job_name = fs::path(spec.out).filename().string();
  return spec;
}

SweepSpec load_sweep_file(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw UserError("sweep file not found: " + path);
  return parse_sweep(read_file(path, "sweep file"), path);
}

}  // namespace sasmlm
