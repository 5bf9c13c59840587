// sbatch_script: the job-array script of a sweep (see sbatch_script.h for the preemption protocol).
#include "sasmlm/sweep/sbatch_script.h"

#include <filesystem>
#include <sstream>

#include "sasmlm/core/error.h"

namespace sasmlm {
namespace {

// Double-quoted for an #SBATCH line, which sbatch parses itself (no shell expansion there).
std::string sbatch_quote(const std::string& text) {
  if (text.find_first_of(" \t\"'") == std::string::npos) return text;
  return "\"" + text + "\"";
}

}  // namespace

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string array_range(const std::vector<size_t>& indices) {
  std::string out;
  size_t i = 0;
  while (i < indices.size()) {
    size_t j = i;
    while (j + 1 < indices.size() && indices[j + 1] == indices[j] + 1) ++j;
    out += (out.empty() ? "" : ",") + std::to_string(indices[i]);
    if (j > i) out += "-" + std::to_string(indices[j]);
    i = j + 1;
  }
  return out;
}

std::string sbatch_script(const SweepSpec& spec, const std::vector<SweepPoint>& points, const SbatchOptions& options) {
  SASMLM_CHECK(!points.empty(), "a sweep has at least one point");
  const SlurmResources& r = spec.slurm;
  const std::string logs = (std::filesystem::path(spec.out) / "logs").string();
  std::ostringstream s;
  s << "#!/bin/bash\n"
    << "# Written by `sasmlm sweep plan " << spec.path
    << "`; plan again to regenerate (it never touches started runs).\n"
    << "# One array task per sweep point; `sasmlm sweep status " << spec.path << "` shows their states.\n"
    << "#SBATCH --job-name=" << sbatch_quote(r.job_name) << "\n"
    << "#SBATCH --array=0-" << points.size() - 1 << "\n"
    << "#SBATCH --nodes=" << r.nodes
    << "\n"
    // One task (rank) per GPU; the trainer reads its rank and world size from Slurm's environment.
    << "#SBATCH --ntasks-per-node=" << (r.gpus_per_node > 0 ? r.gpus_per_node : 1) << "\n";
  if (r.gpus_per_node > 0) s << "#SBATCH --gpus-per-node=" << r.gpus_per_node << "\n";
  s << "#SBATCH --cpus-per-task=" << r.cpus_per_task << "\n";
  if (!r.mem.empty()) s << "#SBATCH --mem=" << sbatch_quote(r.mem) << "\n";
  if (!r.time.empty()) s << "#SBATCH --time=" << sbatch_quote(r.time) << "\n";
  if (!r.partition.empty()) s << "#SBATCH --partition=" << sbatch_quote(r.partition) << "\n";
  if (!r.account.empty()) s << "#SBATCH --account=" << sbatch_quote(r.account) << "\n";
  s << "#SBATCH --signal=USR1@" << r.signal_seconds << "\n"
    << "#SBATCH --requeue\n"
    << "#SBATCH --open-mode=append\n"
    << "#SBATCH --chdir=" << sbatch_quote(options.workdir) << "\n"
    << "#SBATCH --output=" << sbatch_quote(logs + "/%x_%A_%a.out") << "\n";
  for (const std::string& line : r.extra) {
    s << (line.rfind("#SBATCH", 0) == 0 ? line : "#SBATCH " + line) << "\n";
  }
  s << "\nset -u\n"
    << "SASMLM=" << shell_quote(options.sasmlm_path) << "\n"
    << "OUT=" << shell_quote(spec.out) << "\n"
    << "RUNS=(";
  for (size_t i = 0; i < points.size(); ++i) s << (i > 0 ? " " : "") << shell_quote(points[i].name);
  s << ")\n"
    << "RUN=\"${RUNS[$SLURM_ARRAY_TASK_ID]}\"\n"
    << "RUN_DIR=\"$OUT/$RUN\"\n"
    << "# USR1 is for the trainer (Slurm signals the job steps); the batch shell only notes it and keeps waiting.\n"
    << "trap 'echo \"sweep: batch shell got USR1 (the trainer checkpoints and exits 75)\"' USR1\n"
    << "echo \"sweep: run $RUN (array task $SLURM_ARRAY_TASK_ID, job $SLURM_JOB_ID, restart ${SLURM_RESTART_COUNT:-0})"
       " on $(hostname) at $(date -u +%FT%TZ)\"\n"
    << "rm -f \"$RUN_DIR/exit_status\"\n"
    << "( while true; do touch \"$RUN_DIR/heartbeat\"; sleep " << kHeartbeatSeconds << "; done ) &\n"
    << "HEARTBEAT=$!\n"
    // Since Slurm 22.05 srun no longer inherits --cpus-per-task from sbatch: give it again.
    << "srun --kill-on-bad-exit=1 --cpus-per-task=" << r.cpus_per_task
    << " \"$SASMLM\" train --config \"$RUN_DIR/config.yaml\" --resume auto\n"
    << "rc=$?\n"
    << "kill \"$HEARTBEAT\" 2>/dev/null; wait \"$HEARTBEAT\" 2>/dev/null\n"
    << "rm -f \"$RUN_DIR/heartbeat\"\n"
    << "echo \"$rc $SLURM_JOB_ID $(date -u +%FT%TZ)\" > \"$RUN_DIR/exit_status\"\n"
    << "echo \"sweep: run $RUN exited with $rc at $(date -u +%FT%TZ)\"\n"
    << "if [ \"$rc\" -eq 75 ]; then\n"
    << "  # Interrupted after writing a checkpoint: back into the queue; the next start resumes (--resume auto).\n"
    << "  echo \"sweep: requeueing job $SLURM_JOB_ID\"\n"
    << "  scontrol requeue \"$SLURM_JOB_ID\" && sleep 60\n"
    << "fi\n"
    << "exit \"$rc\"\n";
  return s.str();
}

}  // namespace sasmlm
