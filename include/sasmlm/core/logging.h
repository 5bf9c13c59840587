// Logging facade over spdlog: console (rank 0 only) and a file in the run directory.
//
// Why a facade: the torch wheel ships fmt 12 headers, while Debian's spdlog is built against fmt 9; the two cannot
// meet in one translation unit. spdlog is therefore compiled only in src/core/logging.cpp (without torch headers),
// and callers pass finished strings built with cat(...).
#pragma once

#include <sstream>
#include <string>

namespace sasmlm {

enum class LogLevel { kTrace = 0, kDebug, kInfo, kWarn, kError, kCritical, kOff };

// Parses a level name (trace, debug, info, warn, error, off); throws UserError naming `where` and the valid names.
LogLevel parse_log_level(const std::string& name, const std::string& where);

// Installs the logger. `console` is false on ranks other than 0; `log_file` may be empty (no file sink).
void setup_logging(const std::string& level, const std::string& log_file, bool console);
void set_log_level(LogLevel level);
bool log_enabled(LogLevel level);
void log_message(LogLevel level, const std::string& message);
void flush_log();
// While a live progress line is drawn on the terminal, console log lines first clear it ("\r\033[K") so they
// never print over its tail; the line is redrawn on the next update.
void set_console_live_line(bool on);

// Concatenates anything streamable: cat("step ", step, " loss ", loss).
template <class... Args>
std::string cat(const Args&... args) {
  std::ostringstream s;
  (s << ... << args);
  return s.str();
}

// Fixed-point formatting for log lines: fixed(0.123456, 3) == "0.123".
std::string fixed(double value, int precision);

template <class... Args> void log_debug(const Args&... a) { if (log_enabled(LogLevel::kDebug)) log_message(LogLevel::kDebug, cat(a...)); }
template <class... Args> void log_info(const Args&... a) { if (log_enabled(LogLevel::kInfo)) log_message(LogLevel::kInfo, cat(a...)); }
template <class... Args> void log_warn(const Args&... a) { if (log_enabled(LogLevel::kWarn)) log_message(LogLevel::kWarn, cat(a...)); }
template <class... Args> void log_error(const Args&... a) { if (log_enabled(LogLevel::kError)) log_message(LogLevel::kError, cat(a...)); }

}  // namespace sasmlm
