#include "config_reader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <optional>
#include <type_traits>
#include <vector>

#include "key_suggestion.h"
#include "sas_window_fields.h"
#include "sasmlm/config/config_key.h"
#include "sasmlm/config/config_loader.h"
#include "sasmlm/core/error.h"
#include "yaml_scalar.h"

namespace sasmlm {
namespace {

// Where the values being read come from.
struct Origin {
  std::string file;
  bool has_lines;  // false for --set: its YAML is a piece of one command-line word
  KeySources* sources;

  KeySource at(const YAML::Node& node) const {
    KeySource source{file, 0};
    if (has_lines && !node.Mark().is_null()) source.line = node.Mark().line + 1;
    return source;
  }
};

// `at` null: no source to name (a key checked without a value, check_config_key).
[[noreturn]] void fail(const KeySource* at, const std::string& key, const std::string& problem) {
  throw UserError(config_message(at, key, problem));
}

[[noreturn]] void fail(const KeySource& at, const std::string& key, const std::string& problem) {
  fail(&at, key, problem);
}

std::string element_key(const std::string& key, size_t index) { return key + "[" + std::to_string(index) + "]"; }

// ---- Scalars ----------------------------------------------------------------------------------------------

void read_value(const Origin&, const YAML::Node& node, const KeySource& at, const std::string& key, int64_t& out) {
  if (!node.IsScalar()) fail(at, key, "expected an integer, got " + describe_node(node));
  switch (parse_int64(node.Scalar(), &out)) {
    case IntParse::kOk:
      return;
    case IntParse::kOutOfRange:
      fail(at, key, "integer out of range, got " + describe_node(node));
    case IntParse::kNotInteger:
      fail(at, key, "expected an integer, got " + describe_node(node));
  }
}

void read_value(const Origin&, const YAML::Node& node, const KeySource& at, const std::string& key, double& out) {
  if (!node.IsScalar() || !parse_double(node.Scalar(), &out)) {
    fail(at, key, "expected a number, got " + describe_node(node));
  }
}

void read_value(const Origin&, const YAML::Node& node, const KeySource& at, const std::string& key, bool& out) {
  if (!node.IsScalar() || !parse_bool(node.Scalar(), &out)) {
    fail(at, key, "expected true or false, got " + describe_node(node));
  }
}

// Any scalar is text (run.dir: 2024 is the directory "2024"); an empty value is the empty string.
void read_value(const Origin&, const YAML::Node& node, const KeySource& at, const std::string& key,
                std::string& out) {
  if (node.IsNull()) {
    out.clear();
  } else if (node.IsScalar()) {
    out = node.Scalar();
  } else {
    fail(at, key, "expected a string, got " + describe_node(node));
  }
}

// Optional window keys: an empty value leaves them unset.
template <class T>
void read_value(const Origin& origin, const YAML::Node& node, const KeySource& at, const std::string& key,
                std::optional<T>& out) {
  if (node.IsNull()) {
    out.reset();
    return;
  }
  T value{};
  read_value(origin, node, at, key, value);
  out = value;
}

// ---- Maps -------------------------------------------------------------------------------------------------

// Calls apply(name, key_node, value_node) for each entry of `map` in document order, refusing keys that are not
// plain names and keys given twice (yaml-cpp keeps both silently).
template <class F>
void for_each_entry(const Origin& origin, const YAML::Node& map, const std::string& parent, F&& apply) {
  std::map<std::string, KeySource> seen;
  for (const auto& entry : map) {
    const YAML::Node& key_node = entry.first;
    if (!key_node.IsScalar()) {
      fail(origin.at(key_node), parent, "expected plain key names, got " + describe_node(key_node) + " as a key");
    }
    const std::string& name = key_node.Scalar();
    KeySource at = origin.at(key_node);
    auto [first, inserted] = seen.emplace(name, at);
    if (!inserted) {
      std::string where = first->second.line > 0 ? " (first given on line " + std::to_string(first->second.line) + ")"
                                                 : "";
      fail(at, parent.empty() ? name : parent + "." + name, "duplicate key" + where);
    }
    apply(name, key_node, entry.second);
  }
}

// Every field name of a struct with visit().
template <class S>
std::vector<std::string> field_names(S& section) {
  std::vector<std::string> names;
  auto collect = [&](const char* name, auto&, const char*) { names.emplace_back(name); };
  section.visit(collect);
  return names;
}

// "section.field" for every field of every section: where a key misplaced in another section belongs.
std::vector<std::string> all_dotted_keys() {
  Config defaults;
  std::vector<std::string> keys;
  auto per_section = [&](const char* section, auto& s) {
    for (const std::string& name : field_names(s)) keys.push_back(std::string(section) + "." + name);
  };
  defaults.visit_sections(per_section);
  return keys;
}

template <class T> struct IsOptional : std::false_type {};
template <class T> struct IsOptional<std::optional<T>> : std::true_type {};

// One sas.schedule window: a map of the keys visit_window lists; the non-optional ones are required.
void read_value(const Origin& origin, const YAML::Node& node, const KeySource& at, const std::string& key,
                SasWindow& out) {
  SasWindow window;
  std::vector<std::string> names;
  std::string listed;
  auto collect = [&](const char* name, auto&, const char*) {
    names.emplace_back(name);
    listed += (listed.empty() ? "" : ", ") + std::string(name);
  };
  visit_window(window, collect);
  if (!node.IsMap()) fail(at, key, "expected a map {" + listed + "}, got " + describe_node(node));
  std::vector<std::string> given;
  for_each_entry(origin, node, key, [&](const std::string& name, const YAML::Node& key_node, const YAML::Node& v) {
    std::string sub_key = key + "." + name;
    KeySource sub_at = origin.at(key_node);
    bool found = false;
    auto reader = [&](const char* field, auto& ref, const char*) {
      if (found || name != field) return;
      found = true;
      origin.sources->set(sub_key, sub_at);
      read_value(origin, v, sub_at, sub_key, ref);
    };
    visit_window(window, reader);
    if (!found) fail(sub_at, sub_key, unknown_key_problem(name, names, {}));
    given.push_back(name);
  });
  auto require = [&](const char* field, auto& ref, const char*) {
    bool required = !IsOptional<std::decay_t<decltype(ref)>>::value;
    if (required && std::find(given.begin(), given.end(), field) == given.end()) {
      fail(at, key, std::string("missing required key '") + field + "'");
    }
  };
  visit_window(window, require);
  out = window;
}

// ---- Lists ------------------------------------------------------------------------------------------------

// A list replaces the previous one whole; an empty value is the empty list.
template <class T>
void read_value(const Origin& origin, const YAML::Node& node, const KeySource& at, const std::string& key,
                std::vector<T>& out) {
  if (node.IsNull()) {
    out.clear();
    return;
  }
  if (!node.IsSequence()) {
    std::string hint = node.IsScalar() ? " (write [" + node.Scalar() + "] for a one-item list)" : "";
    fail(at, key, "expected a list, got " + describe_node(node) + hint);
  }
  std::vector<T> values;
  for (const auto& element : node) {
    std::string item_key = element_key(key, values.size());
    // An empty element has no reliable mark of its own in yaml-cpp: point at the list then.
    KeySource item_at = element.IsNull() ? at : origin.at(element);
    origin.sources->set(item_key, item_at);
    T value{};
    read_value(origin, element, item_at, item_key, value);
    values.push_back(std::move(value));
  }
  out = std::move(values);
}

// Reads `value` into the field called `name` of `section`, recording its source; false when there is none.
template <class S>
bool read_field(const Origin& origin, S& section, const std::string& name, const YAML::Node& value,
                const KeySource& at, const std::string& key) {
  bool found = false;
  auto reader = [&](const char* field, auto& ref, const char*) {
    if (found || name != field) return;
    found = true;
    origin.sources->set(key, at);  // before the elements of a list record theirs
    read_value(origin, value, at, key, ref);
  };
  section.visit(reader);
  return found;
}

// A section's map: each key given replaces that field, the others keep their values.
template <class S>
void apply_section(const Origin& origin, const YAML::Node& node, const KeySource& at, const std::string& section,
                   S& s) {
  if (node.IsNull()) return;  // `trainer:` with every key commented out
  if (!node.IsMap()) fail(at, section, "expected a map of keys, got " + describe_node(node));
  for_each_entry(origin, node, section, [&](const std::string& name, const YAML::Node& key_node,
                                            const YAML::Node& value) {
    std::string key = section + "." + name;
    KeySource key_at = origin.at(key_node);
    if (!read_field(origin, s, name, value, key_at, key)) {
      fail(key_at, key, unknown_key_problem(name, field_names(s), all_dotted_keys()));
    }
  });
}

// ---- Paths into list fields ---------------------------------------------------------------------------------

// Places `value` (null: only checks the path) at parts[2..] inside `node`, the current value of the field
// parts[0].parts[1]: a number selects a list item, a name a key inside one (added when it is the last part: reading
// the field back checks the name). Messages name the key, the index and the list's length.
void place_at_path(YAML::Node node, const std::vector<std::string>& parts, const YAML::Node* value,
                   const KeySource* at, const std::string& key) {
  std::string path = parts[0] + "." + parts[1];
  for (size_t i = 2; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    const bool last = i + 1 == parts.size();
    // reset(), not operator=: assigning a yaml-cpp node writes through to the tree it came from.
    if (node.IsSequence()) {
      if (!is_list_index(part)) fail(at, key, path + " is a list: expected an item index, got '" + part + "'");
      const size_t length = node.size();
      // More digits than any list has items: out of range without overflowing the conversion.
      const size_t index = part.size() > 9 ? length : std::stoul(part);
      if (index >= length) {
        fail(at, key, "index " + part + " is out of range: " + path + " has " + std::to_string(length) +
                             " item(s) (hint: give the whole list to change its length)");
      }
      if (!last) {
        node.reset(node[index]);
      } else if (value != nullptr) {
        node[index] = *value;
      }
    } else if (node.IsMap()) {
      if (!last && !node[part]) fail(at, key, path + " has no '" + part + "'");
      if (!last) {
        node.reset(node[part]);
      } else if (value != nullptr) {
        node[part] = *value;
      }
    } else {
      fail(at, key, path + " is a single value, not a list: " +
                           (is_list_index(part) ? "index " + part + " does not apply" : "it has no '" + part + "'"));
    }
    path += "." + part;
  }
}

std::vector<std::string> section_names(Config& config) {
  std::vector<std::string> names;
  auto collect = [&](const char* name, auto&) { names.emplace_back(name); };
  config.visit_sections(collect);
  return names;
}

}  // namespace

void ConfigReader::apply_document(const YAML::Node& root, const std::string& file) {
  Origin origin{file, true, &sources_};
  if (root.IsNull()) return;  // an empty file: all defaults
  if (!root.IsMap()) {
    fail(origin.at(root), "", "expected a map of sections (run, data, model, ...), got " + describe_node(root));
  }
  for_each_entry(origin, root, "", [&](const std::string& name, const YAML::Node& key_node, const YAML::Node& value) {
    if (name == kBaseKey) return;
    KeySource at = origin.at(key_node);
    bool found = false;
    auto applier = [&](const char* section, auto& s) {
      if (found || name != section) return;
      found = true;
      apply_section(origin, value, at, name, s);
    };
    config_.visit_sections(applier);
    if (!found) {
      std::vector<std::string> top = section_names(config_);
      top.emplace_back(kBaseKey);
      fail(at, name, unknown_key_problem(name, top, all_dotted_keys()));
    }
  });
}

void ConfigReader::apply_override(const std::string& key, const YAML::Node& value) {
  const KeySource at{"--set", 0};
  override_key(key, &value, &at);
}

void ConfigReader::check_key(const std::string& key) { override_key(key, nullptr, nullptr); }

void ConfigReader::override_key(const std::string& key, const YAML::Node* value, const KeySource* at) {
  Origin origin{"--set", false, &sources_};
  const std::vector<std::string> parts = split_key(key);
  const std::string& section = parts[0];
  if (section == kBaseKey) fail(at, key, "'base' can only be given in a config file");
  bool found = false;
  auto applier = [&](const char* name, auto& s) {
    if (found || section != name) return;
    found = true;
    if (parts.size() == 1) {
      if (value != nullptr) apply_section(origin, *value, *at, section, s);
      return;
    }
    const std::string& field = parts[1];
    const std::string field_key = section + "." + field;
    const std::vector<std::string> names = field_names(s);
    if (std::find(names.begin(), names.end(), field) == names.end()) {
      fail(at, field_key, unknown_key_problem(field, names, all_dotted_keys()));
    }
    if (parts.size() == 2) {
      if (value != nullptr) read_field(origin, s, field, *value, *at, key);
      return;
    }
    // A path into a list field (sas.schedule.0.until): edit the field's current value, then read it back whole.
    YAML::Node root = YAML::Load(dump_config(config_));
    YAML::Node current = root[section][field];
    place_at_path(current, parts, value, at, key);
    if (value != nullptr) read_field(origin, s, field, current, *at, field_key);
  };
  config_.visit_sections(applier);
  if (!found) {
    // A bare field name (`--set max_steps=5`) finds its section through the cross-section hint.
    fail(at, section, unknown_key_problem(section, section_names(config_), all_dotted_keys()));
  }
}

}  // namespace sasmlm
