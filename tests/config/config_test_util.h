// Helpers for the config tests: the message a load fails with.
#pragma once

#include <string>
#include <vector>

#include "sasmlm/config/config_loader.h"
#include "sasmlm/core/error.h"

namespace sasmlm::test {

// The UserError message of loading `yaml` (named cfg.yaml) with `overrides`, or "<no error>".
inline std::string load_error(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  try {
    load_config_from_string(yaml, "cfg.yaml", overrides);
  } catch (const UserError& e) {
    return e.what();
  }
  return "<no error>";
}

// The UserError message of loading the file at `path`, or "<no error>".
inline std::string load_file_error(const std::string& path, const std::vector<std::string>& overrides = {}) {
  try {
    load_config(path, overrides);
  } catch (const UserError& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace sasmlm::test
