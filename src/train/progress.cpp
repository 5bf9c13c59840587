#include "sasmlm/train/progress.h"

#include <cmath>
#include <cstdio>

namespace sasmlm {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const int64_t s = int64_t(seconds + 0.5);
  char buf[48];
  if (s >= 3600) {
    std::snprintf(buf, sizeof(buf), "%lldh%02lldm%02llds", (long long)(s / 3600), (long long)(s / 60 % 60),
                  (long long)(s % 60));
  } else if (s >= 60) {
    std::snprintf(buf, sizeof(buf), "%lldm%02llds", (long long)(s / 60), (long long)(s % 60));
  } else {
    std::snprintf(buf, sizeof(buf), "%llds", (long long)s);
  }
  return buf;
}

std::string format_progress_line(const StepProgress& p, int width) {
  const double percent = p.max_steps > 0 ? 100.0 * double(p.step) / double(p.max_steps) : 0.0;
  const double rate = p.tokens_per_s;
  char rate_text[32];
  if (rate >= 1e6) {
    std::snprintf(rate_text, sizeof(rate_text), "%.2fM", rate / 1e6);
  } else if (rate >= 1e3) {
    std::snprintf(rate_text, sizeof(rate_text), "%.1fk", rate / 1e3);
  } else {
    std::snprintf(rate_text, sizeof(rate_text), "%.0f", rate);
  }
  char buf[256];
  std::snprintf(buf, sizeof(buf), "step %lld/%lld %3.0f%% | mlm %.4f | sas %.4g | lambda %g | lr %.2e | %s tok/s | ETA %s",
                (long long)p.step, (long long)p.max_steps, percent, p.mlm_loss, p.sas_loss, p.lambda, p.lr,
                rate_text, format_duration(p.eta_s).c_str());
  std::string line = buf;
  if (width > 0 && int(line.size()) > width) line.resize(size_t(width));
  return line;
}

}  // namespace sasmlm
