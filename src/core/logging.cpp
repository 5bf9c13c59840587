// Compiled without torch headers (see logging.h): this is the only file that includes spdlog.
#include "sasmlm/core/logging.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <optional>
#include <vector>

#include "sasmlm/core/error.h"
#include "sasmlm/core/log_levels.h"
#include "sasmlm/core/name_suggestion.h"

namespace sasmlm {
namespace {
constexpr const char* kPattern = "[%Y-%m-%d %H:%M:%S] [%^%l%$] %v";
spdlog::sink_ptr g_console_sink;  // the stderr sink, or null on ranks without console output
}  // namespace

LogLevel parse_log_level(const std::string& name, const std::string& where) {
  if (std::optional<LogLevel> level = find_log_level(name)) return *level;
  throw UserError(where + ": unknown log level '" + name + "', expected one of " + join_names(log_level_names()));
}

void setup_logging(const std::string& level, const std::string& log_file, bool console) {
  LogLevel parsed = parse_log_level(level, "logging.level");
  std::vector<spdlog::sink_ptr> sinks;
  if (console) {
    // Logs go to stderr so stdout stays clean for machine-readable output (--json, eval results).
    g_console_sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    sinks.push_back(g_console_sink);
  } else {
    g_console_sink = nullptr;
  }
  if (!log_file.empty()) {
    try {
      sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(log_file, false));
    } catch (const spdlog::spdlog_ex& e) {
      throw UserError("cannot open log file " + log_file + ": " + e.what());
    }
  }
  auto logger = std::make_shared<spdlog::logger>("sasmlm", sinks.begin(), sinks.end());
  logger->set_pattern(kPattern);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  set_log_level(parsed);
}

void set_log_level(LogLevel level) { spdlog::set_level(static_cast<spdlog::level::level_enum>(level)); }

bool log_enabled(LogLevel level) {
  return spdlog::default_logger_raw()->should_log(static_cast<spdlog::level::level_enum>(level));
}

void log_message(LogLevel level, const std::string& message) {
  spdlog::default_logger_raw()->log(static_cast<spdlog::level::level_enum>(level), "{}", message);
}

void set_console_live_line(bool on) {
  if (g_console_sink) g_console_sink->set_pattern(on ? std::string("\r\033[K") + kPattern : std::string(kPattern));
}

void flush_log() { spdlog::default_logger_raw()->flush(); }

std::string fixed(double value, int precision) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", precision, value);
  return buf;
}

}  // namespace sasmlm
