// The state of one run, read from its directory alone (no Slurm query), so it works on a login node, after the
// job is gone, and for runs started by hand. A Slurm task (sbatch_script.h) and the local runner (local_runner.h)
// write the same heartbeat and exit_status files.
//
//   done         metrics.jsonl has a training record at trainer.max_steps
//   running      DIR/heartbeat was touched in the last 3 heartbeat periods, or metrics.jsonl changed in that time
//   interrupted  the last task exited 75 (checkpoint written; waiting for its requeue)
//   failed       the last task exited with another code, or the run started and stopped without an exit status
//   planned      nothing started yet (config.yaml only)
#pragma once

#include <cstdint>
#include <ctime>
#include <map>
#include <optional>
#include <string>

namespace sasmlm {

enum class RunState { kPlanned, kRunning, kDone, kInterrupted, kFailed };

std::string run_state_name(RunState state);

struct RunStatus {
  RunState state = RunState::kPlanned;
  int64_t step = 0;                     // last training step in metrics.jsonl
  int64_t max_steps = 0;                // from DIR/config.yaml (0 when it cannot be read)
  std::map<std::string, double> last;   // last training record's numbers (mlm_loss, sas_loss, lambda, lr, ...)
  std::optional<double> last_dev_loss;  // last dev record's mlm_loss
  std::optional<int> exit_code;         // from DIR/exit_status
  std::string detail;                   // why failed, in words
};

// `now` is the time to judge freshness against (tests pass their own).
RunStatus read_run_status(const std::string& run_dir, std::time_t now);

}  // namespace sasmlm
