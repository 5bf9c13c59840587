// The live progress line of `sasmlm train` on a terminal: redrawn in place (carriage return), at most a few times a
// second; log lines clear it first and it is redrawn on the next step. Off when stderr is not a terminal (Slurm
// logs, pipes, CI), where the trainer's periodic log lines are the progress report.
#pragma once

#include <chrono>

#include "sasmlm/train/progress.h"

namespace sasmlm::cli {

class LiveLine {
 public:
  LiveLine();   // enabled when stderr is a terminal, TERM is not "dumb" and SASMLM_NO_LIVE_LINE is unset
  ~LiveLine();  // ends the line so the shell prompt starts on a fresh one
  bool enabled() const { return enabled_; }
  void update(const StepProgress& progress);

 private:
  bool enabled_ = false;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace sasmlm::cli
