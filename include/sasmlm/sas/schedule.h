// lambda(t), the weight of the SAS regularizer per optimizer step, from the `sas.schedule` windows.
//
//   sas.schedule: [{until: 3000, lambda: 0.001}, {until: 6000, lambda: 0.001, ramp_to: 0}, {lambda: 0}]
//
// Steps are 0-based optimizer steps (the step being computed). A window covers [start, until), where start is the
// previous window's until (0 for the first); step == until belongs to the next window. The last window has no
// until and runs forever. With ramp_to, lambda moves linearly from `lambda` at the window's start towards ramp_to
// at its until: lambda(t) = lambda + (ramp_to - lambda) * (t - start) / (until - start), so the value at the last
// step of the window is one increment short of ramp_to and the curve is continuous when the next window starts
// at ramp_to. A ramp on the final window is not allowed (it has no end to ramp to). An empty schedule is 0
// everywhere.
//
// The config loader validates the user's schedule and reports errors by key; the constructor here only checks the
// same rules as invariants.
#pragma once

#include "sasmlm/config/config.h"

#include <cstdint>
#include <vector>

namespace sasmlm {

class LambdaSchedule {
 public:
  LambdaSchedule() = default;
  explicit LambdaSchedule(const std::vector<SasWindow>& windows);

  // lambda at optimizer step `step` (>= 0).
  double at(int64_t step) const;
  // False when lambda is 0 at every step: the run needs no attention probabilities at all.
  bool ever_nonzero() const;
  const std::vector<SasWindow>& windows() const { return windows_; }

 private:
  std::vector<SasWindow> windows_;
};

}  // namespace sasmlm
