// The Slurm batch script of a sweep: one array task per point, each running `srun sasmlm train --resume auto` on
// its run's config.yaml, one task (rank) per GPU, in the directory the sweep was planned from (--chdir).
//
// Preemption: `--signal=USR1@S` (no `B:`) makes Slurm signal the job steps -- the trainer started by srun -- S
// seconds before the time limit; the trainer writes a checkpoint and exits 75, srun returns 75, and the batch shell
// (which only logs a USR1 of its own) records the exit status and calls `scontrol requeue` on its own job id; with
// `--requeue` the task comes back and resumes from that checkpoint. `B:USR1` would reach only the batch shell,
// which srun does not forward it from. Each task writes DIR/<run>/heartbeat while it runs (touched every 30 s) and
// DIR/<run>/exit_status when srun returns: `sasmlm sweep status` reads both.
#pragma once

#include <string>
#include <vector>

#include "sasmlm/sweep/sweep_file.h"
#include "sasmlm/sweep/sweep_points.h"

namespace sasmlm {

constexpr int kHeartbeatSeconds = 30;  // how often a running task touches DIR/<run>/heartbeat

struct SbatchOptions {
  std::string sasmlm_path;  // absolute path of the sasmlm executable the tasks run
  std::string workdir;      // absolute: the tasks' working directory (relative config paths resolve against it)
};

// The script text.
std::string sbatch_script(const SweepSpec& spec, const std::vector<SweepPoint>& points, const SbatchOptions& options);

// "0-3" or "0,2,5-7": a compact --array range for the given ascending indices.
std::string array_range(const std::vector<size_t>& indices);

// `text` single-quoted for a POSIX shell (a quote inside becomes '\''): safe for any path or name, in the script
// and in the command lines sbatch and `sweep report --plot` run.
std::string shell_quote(const std::string& text);

}  // namespace sasmlm
