// What the trainer reports after every step, and its one-line rendering for a live terminal line.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace sasmlm {

struct StepProgress {
  int64_t step = 0;          // optimizer steps completed
  int64_t max_steps = 0;
  double mlm_loss = 0;
  double sas_loss = 0;
  double lambda = 0;
  double lr = 0;
  double tokens_per_s = 0;   // smoothed over recent steps
  double eta_s = -1;         // < 0: unknown yet
};

using ProgressCallback = std::function<void(const StepProgress&)>;

// "step 120/1000  12% | mlm 5.4321 | sas 12.30 | lambda 0.001 | lr 1.20e-04 | 10.5k tok/s | ETA 3m12s",
// cut to `width` columns (0 = no limit) so it never wraps and the carriage return redraws it in place.
std::string format_progress_line(const StepProgress& p, int width);

// "1h02m03s", "3m12s", "45s"; "?" for negative or non-finite.
std::string format_duration(double seconds);

}  // namespace sasmlm
