// `sasmlm sweep plan`: one run directory per point with its resolved config.yaml, and DIR/sweep.sbatch.
//
// Safe to repeat: every point is resolved and validated, and every existing run directory checked, before anything
// is written. A run whose config.yaml already holds the same config is left untouched; a changed point is rewritten
// only while its run has not started (no metrics.jsonl, no checkpoints) -- for a started run it is an error that
// names the run. Run directories of points no longer in the sweep are left alone.
#pragma once

#include <string>
#include <vector>

#include "sasmlm/sweep/sbatch_script.h"
#include "sasmlm/sweep/sweep_file.h"
#include "sasmlm/sweep/sweep_points.h"

namespace sasmlm {

enum class PlanAction { kCreated, kUnchanged, kUpdated };

struct PlannedRun {
  SweepPoint point;
  std::string dir;
  PlanAction action = PlanAction::kCreated;
};

struct SweepPlan {
  std::vector<PlannedRun> runs;
  std::string sbatch_path;  // DIR/sweep.sbatch
};

SweepPlan plan_sweep(const SweepSpec& spec, const SbatchOptions& options);

std::string plan_action_name(PlanAction action);

}  // namespace sasmlm
