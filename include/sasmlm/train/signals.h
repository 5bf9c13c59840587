// Graceful stop on SIGTERM, SIGINT and SIGUSR1 (Slurm's --signal=USR1@T before a preemption or time limit).
//
// The handler only records the signal; the trainer finishes the current step, writes a checkpoint and exits with
// kExitInterrupted (75), so a requeued job resumes with --resume auto.
#pragma once

namespace sasmlm {

// Installs the handlers (idempotent). A second SIGINT while stopping restores the default action (hard kill).
void install_stop_handlers();

// The first stop signal received, or 0.
int stop_signal();

}  // namespace sasmlm
