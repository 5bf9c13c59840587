#include "live_line.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "sasmlm/core/logging.h"

namespace sasmlm::cli {
namespace {

constexpr double kMinRedrawSeconds = 0.2;

int terminal_width() {
  winsize ws{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 120;
}

}  // namespace

LiveLine::LiveLine() {
  const char* term = std::getenv("TERM");
  enabled_ = isatty(STDERR_FILENO) != 0 && !(term != nullptr && std::strcmp(term, "dumb") == 0) &&
             std::getenv("SASMLM_NO_LIVE_LINE") == nullptr;
}

LiveLine::~LiveLine() {
  if (!drawn_) return;
  std::fputc('\n', stderr);
  set_console_live_line(false);
}

void LiveLine::update(const StepProgress& progress) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const bool last = progress.step >= progress.max_steps;
  if (drawn_ && !last && std::chrono::duration<double>(now - last_draw_).count() < kMinRedrawSeconds) return;
  if (!drawn_) set_console_live_line(true);  // logging is set up by now: the trainer logged its setup
  // One column short of the width: writing the last column makes some terminals wrap.
  const std::string line = format_progress_line(progress, terminal_width() - 1);
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
  last_draw_ = now;
}

}  // namespace sasmlm::cli
