// Applies parsed YAML onto a Config, one source at a time: each file of a `base:` chain (base first), then each
// --set override. A source replaces what earlier ones set key by key inside a section; a list value replaces the
// whole list. Every value read records where it came from (KeySources) so later validation can name the line.
// Type errors, unknown keys and duplicate keys throw UserError at once: `<file>:<line>: <key>: <problem>`.
#pragma once

#include <string>

#include "key_sources.h"
#include "sasmlm/config/config.h"

namespace YAML {
class Node;
}

namespace sasmlm {

class ConfigReader {
 public:
  ConfigReader(Config& config, KeySources& sources) : config_(config), sources_(sources) {}

  // A whole document: a map of sections, or null (an empty file). The top-level `base` key is skipped: the
  // loader resolves it before applying the including file.
  void apply_document(const YAML::Node& root, const std::string& file);

  // One --set override: `key` is a whole "section" (then `value` is a map of its keys), "section.field", or a path
  // into a list field, "section.field.<index>[.<name>]" (config_key.h). For a path, the field's current list with
  // the item replaced is read back whole, so the item gets the checks of the whole list.
  void apply_override(const std::string& key, const YAML::Node& value);

  // The checks apply_override makes on `key` alone, changing nothing; messages carry no "--set: " prefix.
  void check_key(const std::string& key);

 private:
  // apply_override (value set) and check_key (value null); `at` prefixes messages (null: no prefix).
  void override_key(const std::string& key, const YAML::Node* value, const KeySource* at);

  Config& config_;
  KeySources& sources_;
};

// The top-level key naming the config a file builds on.
inline constexpr const char* kBaseKey = "base";

}  // namespace sasmlm
