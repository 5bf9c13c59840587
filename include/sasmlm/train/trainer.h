// The training run: setup, resume, and the outer loop that schedules evaluation, checkpoints and logging.
#pragma once

#include <string>

#include "sasmlm/config/config.h"
#include "sasmlm/train/progress.h"

namespace sasmlm {

struct TrainOptions {
  std::string resume;  // "" = fresh run (refuses a run dir holding checkpoints), "auto" = newest valid, or a path
  ProgressCallback on_step;  // called after every step (rank 0), e.g. for a live terminal line; may be empty
};

// Trains as configured until trainer.max_steps. Throws UserError on bad input and ExitRequest when stopped by a
// signal (checkpoint written, kExitInterrupted) or by too many non-finite steps (kExitDiverged).
void train(const Config& config, const TrainOptions& options);

}  // namespace sasmlm
