// read_run_status: a run's state from the files in its directory.
#include "sasmlm/sweep/run_status.h"

#include <sys/stat.h>

#include <filesystem>
#include <sstream>

#include "sasmlm/config/config_loader.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/sweep/run_metrics.h"
#include "sasmlm/sweep/sbatch_script.h"

namespace sasmlm {
namespace {

namespace fs = std::filesystem;

// Modification time, or nothing when the file is absent.
std::optional<std::time_t> mtime(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return st.st_mtime;
}

bool has_checkpoints(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return false;
  return fs::directory_iterator(dir, ec) != fs::directory_iterator();
}

}  // namespace

std::string run_state_name(RunState state) {
  switch (state) {
    case RunState::kPlanned:
      return "planned";
    case RunState::kRunning:
      return "running";
    case RunState::kDone:
      return "done";
    case RunState::kInterrupted:
      return "interrupted";
    case RunState::kFailed:
      return "failed";
  }
  return "?";
}

RunStatus read_run_status(const std::string& run_dir, std::time_t now) {
  const fs::path dir = run_dir;
  RunStatus status;
  try {
    status.max_steps = load_config((dir / "config.yaml").string()).trainer.max_steps;
  } catch (const UserError& e) {
    status.detail = std::string("config.yaml unreadable: ") + e.what();
  }
  bool started = has_checkpoints(dir / "checkpoints");
  bool reached_end = false;
  for (const MetricRecord& r : read_metric_records(run_dir)) {
    if (r.is_eval) {
      auto loss = r.values.find("mlm_loss");
      if (loss != r.values.end()) status.last_dev_loss = loss->second;
      continue;
    }
    started = true;
    status.step = r.step;
    status.last = r.values;
    reached_end = reached_end || (status.max_steps > 0 && r.step >= status.max_steps);
  }
  if (mtime(dir / "exit_status")) {
    std::istringstream in(read_file(dir / "exit_status", "exit status"));
    int code = 0;
    if (in >> code) status.exit_code = code;
  }
  const std::time_t fresh = 3 * kHeartbeatSeconds;
  const auto heartbeat = mtime(dir / "heartbeat");
  const auto metrics = mtime(dir / "metrics.jsonl");
  const bool alive = (heartbeat && now - *heartbeat <= fresh) || (metrics && now - *metrics <= fresh);

  // A stop signal that lands on the last step still leaves a finished run.
  if (reached_end && (!status.exit_code || *status.exit_code == 0 || *status.exit_code == kExitInterrupted)) {
    status.state = RunState::kDone;
  } else if (alive && !status.exit_code) {
    status.state = RunState::kRunning;
  } else if (status.exit_code && *status.exit_code == kExitInterrupted) {
    status.state = RunState::kInterrupted;
  } else if (status.exit_code && *status.exit_code != 0) {
    status.state = RunState::kFailed;
    status.detail = "exit code " + std::to_string(*status.exit_code) + " (see train.log and out/logs/)";
  } else if (started || heartbeat) {
    status.state = RunState::kFailed;
    status.detail = "stopped at step " + std::to_string(status.step) + " without an exit status (node lost?)";
  }
  return status;
}

}  // namespace sasmlm
