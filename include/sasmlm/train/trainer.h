// The training run: setup, resume, and the outer loop that schedules evaluation, checkpoints and logging.
#pragma once

#include <string>

#include "sasmlm/config/config.h"

namespace sasmlm {

struct TrainOptions {
  std::string resume;  // "" = fresh run (refuses a run dir holding checkpoints), "auto" = newest valid, or a path
};

// Trains as configured until trainer.max_steps. Throws UserError on bad input and ExitRequest when stopped by a
// signal (checkpoint written, kExitInterrupted) or by too many non-finite steps (kExitDiverged).
void train(const Config& config, const TrainOptions& options);

}  // namespace sasmlm
