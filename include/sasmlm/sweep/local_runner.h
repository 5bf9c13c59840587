// `sasmlm sweep run --local`: the planned points of a sweep trained on this machine, N at a time, each as a Slurm
// array task runs it (sbatch_script.h): `<sasmlm> train --config DIR/<run>/config.yaml --resume auto`, in the
// directory the sweep was planned from, as a child process.
//
// Resumable by running it again: a run that `sweep status` calls done is skipped; any other one starts with
// `--resume auto` (from its newest checkpoint when it has one). A run directory whose owner lock
// (core/run_dir_lock.h) a live process holds -- a trainer started by hand, another runner -- is reported and not
// started; on this machine the lock, not the heartbeat's age, says whether a run is alive (a runner killed with
// SIGKILL leaves a fresh heartbeat behind).
//
// Files, the ones a Slurm task writes, so `sweep status` and `sweep report` need no special case:
//   DIR/<run>/exit_status  "CODE local-<runner pid> <UTC time>", written when the child ends, removed at its start;
//                          CODE is the child's exit code, or 128 + the signal that killed it (as a shell reports)
//   DIR/<run>/heartbeat    touched every kHeartbeatSeconds while the child runs, removed when it ends
//   DIR/logs/<job name>_local_<index>.out   the child's stdout and stderr, appended (Slurm: <job name>_<job>_<index>)
//
// Signals: the runner waits for SIGINT, SIGTERM, SIGUSR1 and SIGHUP instead of dying of them. The first one starts
// no new run and sends SIGTERM to every child (the trainer checkpoints and exits 75; a child that got the same
// signal from the terminal takes the second as already handled), then waits for them all; a second one sends
// SIGKILL. Children die with their runner: a child gets SIGTERM when the runner is killed (PR_SET_PDEATHSIG), so
// even a runner killed with SIGKILL leaves checkpointed runs behind.
//
// Threads: a child whose trainer.threads is 0 (auto) is confined (CPU affinity) to its share of the runner's CPUs,
// which the trainer's auto rule (core/cpu_threads.h) then uses: with C CPUs and P = min(N, runs to train) children
// at once, each gets C / P of them (at least one; they share CPUs when C < P). A run that sets trainer.threads keeps
// the runner's whole mask and its own thread count.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sasmlm/sweep/sweep_file.h"
#include "sasmlm/sweep/sweep_planner.h"

namespace sasmlm {

struct LocalRunOptions {
  std::string executable;  // the sasmlm the children run (the CLI passes its own, /proc/self/exe)
  std::string workdir;     // the children's working directory: relative paths in configs resolve against it
  int64_t jobs = 1;        // children at once (>= 1)
  std::vector<int> cpus;   // CPUs to share among auto-thread children (allowed_cpu_ids()); empty = no pinning
  std::function<void(const std::string&)> progress;  // one line per run started, finished or skipped
};

enum class LocalOutcome {
  kAlreadyDone,  // done before this runner started: skipped
  kDone,         // the child exited 0
  kFailed,       // the child exited with another code than 0 and 75, or was killed by a signal
  kInterrupted,  // the child exited 75: checkpoint written, the next run resumes it
  kLocked,       // not started: a live process holds the run directory's lock (or it cannot be locked)
  kNotStarted,   // not started: the runner was stopped first
};

std::string local_outcome_name(LocalOutcome outcome);

struct LocalRunResult {
  std::string name;
  size_t index = 0;
  std::string dir;
  LocalOutcome outcome = LocalOutcome::kNotStarted;
  std::optional<int> exit_code;  // as written to exit_status (children that ran)
  double seconds = 0;            // the child's wall time
  std::string log;               // the child's log file
  std::string detail;            // why it was not started, in words
};

struct LocalSweepResult {
  std::vector<LocalRunResult> runs;  // in point order
  int stop_signal = 0;               // the signal that stopped the runner, or 0
};

// Runs `runs` (from plan_sweep) as described above and returns when every child has ended. Stop signals are blocked
// in the calling thread while it runs (and waited for with sigtimedwait); call it from the main thread, before other
// threads exist, so no other thread takes them. Throws UserError when a log file or the lock cannot be opened.
LocalSweepResult run_sweep_local(const SweepSpec& spec, const std::vector<PlannedRun>& runs,
                                 const LocalRunOptions& options);

// The runner's exit code: 0 when every run is done; 75 (kExitInterrupted) when the runner was stopped by a signal or
// a child exited 75 (running the command again continues); otherwise the exit code of the first failed run in point
// order, and 2 when the only problem is a run directory held by another process (what its trainer would exit with).
int local_sweep_exit_code(const LocalSweepResult& result);

// The CPUs of child slot `slot` (0-based) when `slots` children share `cpus`: a contiguous block of
// cpus.size() / slots, the remainder going to the first slots; cpus[slot % size] when there are fewer CPUs than
// slots. Empty when `cpus` is.
std::vector<int> cpu_share(const std::vector<int>& cpus, int64_t slots, int64_t slot);

}  // namespace sasmlm
