// `sasmlm train --dry-run`: what a run would do, checked and printed, without training or writing anything.
//
// Resolves and validates the config (done by the loader before), checks that every input exists (data.train,
// data.dev, tokenizer.path, eval.uas, eval.blimp), opens the prepared data when it is already prepared and matches
// the config, builds the model on the CPU to count its parameters, and describes the plan: steps, tokens,
// learning rate, checkpoints, the lambda windows with what lambda means under sas.normalization, evaluation.
// What a user runs before a 100-GPU-hour job.
#pragma once

#include <cstdint>
#include <string>

#include "sasmlm/config/config.h"

namespace sasmlm {

// The plan as text (several lines). `world_size` ranks share trainer.batch_size (1 without a launcher).
// UserError naming the key and path for a missing input, or a batch that the ranks cannot share.
std::string describe_train_plan(const Config& config, int64_t world_size);

}  // namespace sasmlm
