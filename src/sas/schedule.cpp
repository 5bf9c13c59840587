#include "sasmlm/sas/schedule.h"

#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"

#include <cmath>

namespace sasmlm {

LambdaSchedule::LambdaSchedule(const std::vector<SasWindow>& windows) : windows_(windows) {
  int64_t start = 0;
  for (size_t w = 0; w < windows_.size(); ++w) {
    const SasWindow& window = windows_[w];
    const bool last = w + 1 == windows_.size();
    const std::string where = cat("sas.schedule[", w, "]");
    SASMLM_CHECK(std::isfinite(window.lambda), where + ": lambda must be finite");
    SASMLM_CHECK(!window.ramp_to || std::isfinite(*window.ramp_to), where + ": ramp_to must be finite");
    if (last) {
      SASMLM_CHECK(!window.until, where + ": the last window must not have `until` (it runs to the end)");
      SASMLM_CHECK(!window.ramp_to, where + ": the last window cannot ramp (it has no end to ramp to)");
    } else {
      SASMLM_CHECK(window.until.has_value(), where + ": every window but the last needs `until`");
      SASMLM_CHECK(*window.until > start,
                   cat(where, ": until ", *window.until, " must exceed the window's start ", start));
      start = *window.until;
    }
  }
}

double LambdaSchedule::at(int64_t step) const {
  SASMLM_CHECK(step >= 0, cat("lambda schedule asked for negative step ", step));
  int64_t start = 0;
  for (const SasWindow& window : windows_) {
    if (!window.until || step < *window.until) {
      if (!window.ramp_to) return window.lambda;
      const double progress = double(step - start) / double(*window.until - start);
      return window.lambda + (*window.ramp_to - window.lambda) * progress;
    }
    start = *window.until;
  }
  return 0.0;  // empty schedule
}

bool LambdaSchedule::ever_nonzero() const {
  for (const SasWindow& window : windows_) {
    if (window.lambda != 0.0 || (window.ramp_to && *window.ramp_to != 0.0)) return true;
  }
  return false;
}

}  // namespace sasmlm
