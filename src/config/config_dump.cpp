// dump_config: the resolved configuration as commented YAML (stored as run.dir/config.yaml and in checkpoints).
#include <algorithm>
#include <optional>
#include <sstream>
#include <type_traits>

#include "sas_window_fields.h"
#include "sasmlm/config/config_loader.h"
#include "yaml_scalar.h"

namespace sasmlm {
namespace {

constexpr size_t kMaxCommentColumn = 44;  // comments align up to here; longer lines take two spaces

// One field's text: `  key: value`, its comment, and for a block list the lines below it.
struct Row {
  std::string head;
  std::string comment;
  std::vector<std::string> below;
};

std::string format_value(int64_t value) { return std::to_string(value); }
std::string format_value(double value) { return format_double_yaml(value); }
std::string format_value(bool value) { return value ? "true" : "false"; }
std::string format_value(const std::string& value) { return quote_yaml_string(value); }

template <class T>
std::string format_value(const std::vector<T>& values) {
  std::string text = "[";
  for (size_t i = 0; i < values.size(); ++i) text += (i > 0 ? ", " : "") + format_value(values[i]);
  return text + "]";
}

// A window as a flow map; unset optional keys are left out.
std::string format_window(SasWindow window) {
  std::string text;
  auto field = [&](const char* name, auto& ref, const char*) {
    using T = std::decay_t<decltype(ref)>;
    if constexpr (std::is_same_v<T, std::optional<int64_t>> || std::is_same_v<T, std::optional<double>>) {
      if (!ref) return;
      text += (text.empty() ? "" : ", ") + std::string(name) + ": " + format_value(*ref);
    } else {
      text += (text.empty() ? "" : ", ") + std::string(name) + ": " + format_value(ref);
    }
  };
  visit_window(window, field);
  return "{" + text + "}";
}

template <class T>
Row make_row(const char* name, const T& value, const char* comment) {
  return Row{std::string("  ") + name + ": " + format_value(value), comment, {}};
}

// The schedule as a block list, one window per line.
Row make_row(const char* name, const std::vector<SasWindow>& windows, const char* comment) {
  Row row{std::string("  ") + name + ":", comment, {}};
  if (windows.empty()) row.head += " []";
  for (const SasWindow& window : windows) row.below.push_back("    - " + format_window(window));
  return row;
}

// Comments are one line: a path with a newline in it must not end the comment early.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text;
}

ConfigFieldValue field_value(int64_t value) { return double(value); }
ConfigFieldValue field_value(double value) { return value; }
ConfigFieldValue field_value(bool value) { return value; }
ConfigFieldValue field_value(const std::string& value) { return value; }
template <class T>
ConfigFieldValue field_value(const std::vector<T>& values) { return format_value(values); }
ConfigFieldValue field_value(const std::vector<SasWindow>& windows) {
  std::string text = "[";
  for (size_t i = 0; i < windows.size(); ++i) text += (i > 0 ? ", " : "") + format_window(windows[i]);
  return text + "]";
}

}  // namespace

std::vector<std::pair<std::string, ConfigFieldValue>> config_fields(const Config& config) {
  Config copy = config;  // visit() takes a mutable struct
  std::vector<std::pair<std::string, ConfigFieldValue>> fields;
  auto per_section = [&](const char* section, auto& s) {
    auto field = [&](const char* name, auto& ref, const char*) {
      fields.emplace_back(std::string(section) + "." + name, field_value(ref));
    };
    s.visit(field);
  };
  copy.visit_sections(per_section);
  return fields;
}

std::string dump_config(const Config& config) {
  Config copy = config;  // visit() takes a mutable struct
  std::ostringstream out;
  out << "# sasmlm configuration: every key with the value in effect.\n";
  if (!copy.source_path.empty()) out << "# loaded from " << one_line(copy.source_path) << "\n";
  auto per_section = [&](const char* section, auto& s) {
    std::vector<Row> rows;
    auto field = [&](const char* name, auto& ref, const char* comment) {
      rows.push_back(make_row(name, ref, comment));
    };
    s.visit(field);
    size_t width = 0;
    for (const Row& row : rows) {
      if (row.head.size() <= kMaxCommentColumn) width = std::max(width, row.head.size());
    }
    out << "\n" << section << ":\n";
    for (const Row& row : rows) {
      size_t pad = row.head.size() < width ? width - row.head.size() : 0;
      out << row.head << std::string(pad + 2, ' ') << "# " << one_line(row.comment) << "\n";
      for (const std::string& line : row.below) out << line << "\n";
    }
  };
  copy.visit_sections(per_section);
  return out.str();
}

}  // namespace sasmlm
