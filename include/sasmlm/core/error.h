// Error types and exit codes shared by every module.
//
// Two tiers: bad *input* (a config key, a data file, a checkpoint the user points at) throws UserError,
// which the CLI prints as one `error:` line and exit code 2; a broken internal invariant throws via
// SASMLM_CHECK, which is always on (never compiled out like assert).
#pragma once

#include <stdexcept>
#include <string>

namespace sasmlm {

// Process exit codes; documented in README.md ("Exit codes").
constexpr int kExitOk = 0;
constexpr int kExitInternalError = 1;   // a bug: an invariant failed
constexpr int kExitUserError = 2;       // bad input: config, data, checkpoint, command line
constexpr int kExitDiverged = 3;        // too many non-finite steps; last good checkpoint kept
constexpr int kExitDistributed = 4;     // a peer rank died or a collective timed out
constexpr int kExitInterrupted = 75;    // SIGTERM/SIGINT/SIGUSR1: checkpoint written, resume with --resume auto

// Bad input: the message names the file/line/key, what was expected and what was found.
class UserError : public std::runtime_error {
 public:
  explicit UserError(const std::string& message) : std::runtime_error(message) {}
};

// An internal invariant failed: a bug in sasmlm, not in the user's input.
class InternalError : public std::runtime_error {
 public:
  explicit InternalError(const std::string& message) : std::runtime_error(message) {}
};

// Thrown by the trainer when it must stop with a specific exit code (divergence, interruption).
class ExitRequest : public std::runtime_error {
 public:
  ExitRequest(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

[[noreturn]] void throw_internal(const char* file, int line, const char* condition, const std::string& message);

}  // namespace sasmlm

// Always-on invariant check (kept in Release builds).
#define SASMLM_CHECK(cond, msg)                                        \
  do {                                                                 \
    if (!(cond)) ::sasmlm::throw_internal(__FILE__, __LINE__, #cond, (msg)); \
  } while (0)
