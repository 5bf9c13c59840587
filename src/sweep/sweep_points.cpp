// expand_sweep: grid x zip -> points, each with a readable, unique run name.
#include "sasmlm/sweep/sweep_points.h"

#include <cctype>
#include <map>

#include "sasmlm/config/config_key.h"
#include "sasmlm/core/error.h"

namespace sasmlm {
namespace {

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '+' || c == '-' || c == '=';
}

// Keeps name characters; runs of anything else (quotes, spaces, '/', '_', brackets) become one '-'.
std::string sanitize(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (name_char(c)) {
      out += c;
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

// "sas.schedule.0.until" -> "until"; "sas.schedule.0.lambda" -> "lam".
std::string short_label(const std::string& key) {
  const auto parts = split_key(key);
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    if (is_list_index(*it)) continue;
    return *it == "lambda" ? "lam" : *it;
  }
  return key;
}

// The key without its section, indexes kept: "sas.schedule.1.until" -> "schedule1until".
std::string long_label(const std::string& key) {
  const auto parts = split_key(key);
  std::string label;
  for (size_t i = parts.size() > 1 ? 1 : 0; i < parts.size(); ++i) label += parts[i] == "lambda" ? "lam" : parts[i];
  return label;
}

std::vector<std::string> axis_labels(const std::vector<std::string>& keys) {
  std::map<std::string, int> count;
  for (const auto& key : keys) ++count[short_label(key)];
  std::vector<std::string> labels;
  for (const auto& key : keys) labels.push_back(count[short_label(key)] > 1 ? long_label(key) : short_label(key));
  return labels;
}

// A YAML scalar's text without its quotes; flow collections as written.
std::string value_text(const std::string& yaml) {
  if (yaml.size() >= 2 && (yaml.front() == '"' || yaml.front() == '\'') && yaml.back() == yaml.front()) {
    return yaml.substr(1, yaml.size() - 2);
  }
  return yaml;
}

std::string part_for(const std::string& label, const std::string& yaml) {
  const std::string value = sanitize(value_text(yaml));
  const char first = value.empty() ? '-' : value.front();
  const bool numeric_start =
      std::isdigit(static_cast<unsigned char>(first)) || first == '-' || first == '+' || first == '.';
  return sanitize(label) + (numeric_start ? "" : "-") + value;
}

std::string apply_template(const SweepSpec& spec, const SweepPoint& point) {
  const std::string& t = spec.name_template;
  std::string name;
  size_t i = 0;
  while (i < t.size()) {
    if (t[i] != '{') {
      name += t[i++];
      continue;
    }
    const size_t close = t.find('}', i);
    if (close == std::string::npos) {
      throw UserError(spec.path + ": name: unclosed '{' in the template '" + t + "'");
    }
    const std::string key = t.substr(i + 1, close - i - 1);
    bool found = key == "index";
    if (found) name += std::to_string(point.index);
    for (const auto& [axis_key, value] : point.values) {
      if (axis_key != key) continue;
      name += sanitize(value_text(value));
      found = true;
    }
    if (!found) {
      std::string keys;
      for (const auto& [axis_key, value] : point.values) keys += (keys.empty() ? "" : ", ") + axis_key;
      throw UserError(spec.path + ": name: the template names {" + key + "}, which is not an axis (axes: " + keys +
                      "; or {index})");
    }
    i = close + 1;
  }
  return name;
}

void check_name(const SweepSpec& spec, const SweepPoint& point) {
  const std::string& n = point.name;
  bool ok = !n.empty() && n != "." && n != ".." && n != "logs";
  for (char c : n) ok = ok && (name_char(c) || c == '_');
  if (!ok) {
    throw UserError(spec.path + ": point " + std::to_string(point.index) + " (" + describe_point(point) +
                    "): run name '" + n +
                    "' is not a usable directory name (letters, digits, '._+-=' only; "
                    "not 'logs')");
  }
}

}  // namespace

std::vector<std::string> sweep_axis_keys(const SweepSpec& spec) {
  std::vector<std::string> keys;
  for (const auto& axis : spec.grid) keys.push_back(axis.key);
  for (const auto& axis : spec.zip) keys.push_back(axis.key);
  return keys;
}

std::string describe_point(const SweepPoint& point) {
  std::string text;
  for (const auto& [key, value] : point.values) text += (text.empty() ? "" : ", ") + key + "=" + value;
  return text;
}

std::vector<SweepPoint> expand_sweep(const SweepSpec& spec) {
  // Cartesian product of the grid, odometer style: the last grid axis turns fastest, then one row per zip tuple.
  size_t zip_len = spec.zip.empty() ? 1 : spec.zip.front().values.size();
  std::vector<size_t> digit(spec.grid.size(), 0);
  std::vector<SweepPoint> points;
  const auto labels = axis_labels(sweep_axis_keys(spec));
  while (true) {
    for (size_t z = 0; z < zip_len; ++z) {
      SweepPoint point;
      point.index = points.size();
      for (size_t a = 0; a < spec.grid.size(); ++a)
        point.values.emplace_back(spec.grid[a].key, spec.grid[a].values[digit[a]]);
      for (const auto& axis : spec.zip) point.values.emplace_back(axis.key, axis.values[z]);
      if (spec.name_template.empty()) {
        for (size_t a = 0; a < point.values.size(); ++a) {
          point.name += (a > 0 ? "_" : "") + part_for(labels[a], point.values[a].second);
        }
      } else {
        point.name = apply_template(spec, point);
      }
      check_name(spec, point);
      points.push_back(point);
    }
    size_t a = spec.grid.size();
    while (a > 0 && ++digit[a - 1] == spec.grid[a - 1].values.size()) digit[--a] = 0;
    if (a == 0) break;
  }
  std::map<std::string, size_t> by_name;
  for (const SweepPoint& point : points) {
    auto [it, inserted] = by_name.emplace(point.name, point.index);
    if (inserted) continue;
    const SweepPoint& other = points[it->second];
    throw UserError(spec.path + ": duplicate run name '" + point.name + "' for points " + std::to_string(other.index) +
                    " (" + describe_point(other) + ") and " + std::to_string(point.index) + " (" +
                    describe_point(point) +
                    ") (hint: give a name template that uses every axis, e.g. name: \"...{KEY}...\")");
  }
  return points;
}

}  // namespace sasmlm
