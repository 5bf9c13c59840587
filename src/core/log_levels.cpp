// Compiled into sasmlm_log beside logging.cpp (no torch headers), whose parse_log_level reads this table.
#include "sasmlm/core/log_levels.h"

#include "sasmlm/core/name_suggestion.h"

namespace sasmlm {
namespace {

struct NamedLevel {
  const char* name;
  LogLevel level;
};

// kCritical has no name of its own: "error" already shows it, and one set serves every command and the config.
constexpr NamedLevel kNamedLevels[] = {{"trace", LogLevel::kTrace}, {"debug", LogLevel::kDebug},
                                       {"info", LogLevel::kInfo},   {"warn", LogLevel::kWarn},
                                       {"error", LogLevel::kError}, {"off", LogLevel::kOff}};

}  // namespace

const std::vector<std::string>& log_level_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const NamedLevel& l : kNamedLevels) out.emplace_back(l.name);
    return out;
  }();
  return names;
}

const char* log_level_help() {
  static const std::string help = join_names(log_level_names(), " | ");
  return help.c_str();
}

std::optional<LogLevel> find_log_level(const std::string& name) {
  for (const NamedLevel& l : kNamedLevels) {
    if (name == l.name) return l.level;
  }
  return std::nullopt;
}

}  // namespace sasmlm
