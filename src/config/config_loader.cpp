// load_config / load_config_from_string: the `base:` chain, --set overrides, then validation.
#include "sasmlm/config/config_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>

#include "config_reader.h"
#include "config_validator.h"
#include "key_sources.h"
#include "sasmlm/config/yaml_document.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "yaml_scalar.h"

namespace sasmlm {
namespace {

namespace fs = std::filesystem;

// Applies a file and, before it, the chain of configs it names as `base:`.
class BaseChain {
 public:
  explicit BaseChain(ConfigReader& reader) : reader_(reader) {}

  // `file` names the document in messages; a relative `base:` inside it is resolved against `dir`.
  void apply(const YAML::Node& root, const std::string& file, const fs::path& dir) {
    std::error_code ec;
    canonical_.push_back(fs::weakly_canonical(fs::absolute(file, ec), ec));
    names_.push_back(file);
    if (root.IsMap()) {
      for (const auto& entry : root) {
        if (entry.first.IsScalar() && entry.first.Scalar() == kBaseKey) {
          apply_base(entry.first, entry.second, file, dir);
          break;  // a second `base` is reported as a duplicate key by the reader
        }
      }
    }
    reader_.apply_document(root, file);
    canonical_.pop_back();
    names_.pop_back();
  }

 private:
  void apply_base(const YAML::Node& key, const YAML::Node& value, const std::string& file, const fs::path& dir) {
    KeySource at{file, key.Mark().is_null() ? 0 : key.Mark().line + 1};
    if (!value.IsScalar() || value.Scalar().empty()) {
      throw UserError(config_message(&at, kBaseKey, "expected the path of a config file, got " + describe_node(value)));
    }
    fs::path path = value.Scalar();
    if (path.is_relative()) path = dir / path;
    std::string name = path.lexically_normal().string();
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) throw UserError(config_message(&at, kBaseKey, "file not found: " + name));
    fs::path canonical = fs::weakly_canonical(path, ec);
    if (std::find(canonical_.begin(), canonical_.end(), canonical) != canonical_.end()) {
      std::string cycle;
      for (const std::string& n : names_) cycle += n + " -> ";
      throw UserError(config_message(&at, kBaseKey, "cycle: " + cycle + name));
    }
    YAML::Node root = load_yaml_document(read_file(path, "base config"), name);
    apply(root, name, path.parent_path());
  }

  ConfigReader& reader_;
  std::vector<fs::path> canonical_;  // the files being applied, outermost first, to detect cycles
  std::vector<std::string> names_;   // the same, as shown in messages
};

std::string trim(const std::string& text) {
  size_t first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  size_t last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

// "dotted.key=YAML value", in order: a later override of the same key wins.
void apply_overrides(ConfigReader& reader, const std::vector<std::string>& overrides) {
  for (const std::string& item : overrides) {
    size_t eq = item.find('=');
    std::string key = trim(item.substr(0, eq));
    if (eq == std::string::npos || key.empty()) throw UserError("--set: '" + item + "': expected KEY=VALUE");
    YAML::Node value;
    try {
      value = YAML::Load(item.substr(eq + 1));
    } catch (const YAML::Exception& e) {
      throw UserError("--set: " + key + ": malformed YAML: " + e.msg);
    }
    reader.apply_override(key, value);
  }
}

Config load(const std::string& yaml, const std::string& name, const std::vector<std::string>& overrides) {
  Config config;
  KeySources sources;
  ConfigReader reader(config, sources);
  BaseChain chain(reader);
  chain.apply(load_yaml_document(yaml, name), name, fs::path(name).parent_path());
  apply_overrides(reader, overrides);
  validate_config(config, &sources);
  config.source_path = name;
  return config;
}

}  // namespace

Config load_config(const std::string& path, const std::vector<std::string>& overrides) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw UserError("config file not found: " + path);
  if (!fs::is_regular_file(path, ec)) throw UserError("config file is not a regular file: " + path);
  return load(read_file(path, "config file"), path, overrides);
}

Config load_config_from_string(const std::string& yaml, const std::string& name,
                               const std::vector<std::string>& overrides) {
  return load(yaml, name, overrides);
}

}  // namespace sasmlm
