// run_sweep_local: a sweep's runs as child processes of this one, N at a time (see local_runner.h).
#include "sasmlm/sweep/local_runner.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <set>

#include "sasmlm/config/config_loader.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/core/run_dir_lock.h"
#include "sasmlm/sweep/run_status.h"
#include "sasmlm/sweep/sbatch_script.h"
#include "sasmlm/sweep/sweep_submit.h"

namespace sasmlm {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGUSR1, SIGHUP};

// Variables that make a trainer join a multi-process job (torchrun's, an srun step's): each child trains alone,
// whatever started the runner.
constexpr const char* kLauncherVariables[] = {"RANK",         "WORLD_SIZE",    "LOCAL_RANK",  "LOCAL_WORLD_SIZE",
                                              "SLURM_PROCID", "SLURM_STEP_ID", "SLURM_STEPID"};

bool is_stop_signal(int sig) {
  return std::find(std::begin(kStopSignals), std::end(kStopSignals), sig) != std::end(kStopSignals);
}

// Blocks the stop signals and SIGCHLD in this thread for the runner's lifetime, so they wait in sigtimedwait instead
// of killing the runner; the previous mask comes back at the end, after pending stop signals are taken (one that
// arrived after the last wait would otherwise kill the runner on its way out).
class SignalBlock {
 public:
  SignalBlock() {
    sigemptyset(&set_);
    for (int sig : kStopSignals) sigaddset(&set_, sig);
    sigaddset(&set_, SIGCHLD);
    SASMLM_CHECK(pthread_sigmask(SIG_BLOCK, &set_, &previous_) == 0, "cannot block the stop signals");
  }
  ~SignalBlock() {
    const timespec zero{0, 0};
    while (sigtimedwait(&set_, nullptr, &zero) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  SignalBlock(const SignalBlock&) = delete;
  SignalBlock& operator=(const SignalBlock&) = delete;

  // The next blocked signal within `seconds`, or 0.
  int wait(double seconds) const {
    timespec timeout{time_t(seconds), long((seconds - std::floor(seconds)) * 1e9)};
    const int sig = sigtimedwait(&set_, nullptr, &timeout);
    return sig > 0 ? sig : 0;
  }
  const sigset_t& previous() const { return previous_; }

 private:
  sigset_t set_;
  sigset_t previous_;
};

// Creates the file or updates its modification time.
void touch(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;  // a missed heartbeat only makes `status` guess; the child goes on
  ::futimens(fd, nullptr);
  ::close(fd);
}

std::string seconds_text(double seconds) { return std::to_string(std::llround(seconds)) + "s"; }

std::string cpu_list(const std::vector<int>& cpus) {
  std::string out;
  for (int cpu : cpus) out += (out.empty() ? "" : ",") + std::to_string(cpu);
  return out;
}

// What fork() needs, all built before it: the child calls only system calls between fork and exec.
struct SpawnPlan {
  std::vector<std::string> argv_text;
  std::vector<std::string> env_text;
  std::string workdir;
  std::vector<int> cpus;  // empty: keep the runner's affinity
  int log_fd = -1;
  int null_fd = -1;
  sigset_t signal_mask{};
};

pid_t spawn(const SpawnPlan& plan) {
  std::vector<char*> argv, envp;
  for (const std::string& a : plan.argv_text) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const std::string& e : plan.env_text) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int cpu : plan.cpus) CPU_SET(cpu, &set);
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid != 0) return pid;  // the runner (or -1)
  // The child: a runner that dies, even of SIGKILL, sends it SIGTERM, so it checkpoints instead of running on alone.
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != parent) ::_exit(kExitInterrupted);  // the runner died before the line above
  if (!plan.cpus.empty()) ::sched_setaffinity(0, sizeof set, &set);
  ::dup2(plan.null_fd, STDIN_FILENO);
  ::dup2(plan.log_fd, STDOUT_FILENO);
  ::dup2(plan.log_fd, STDERR_FILENO);
  ::pthread_sigmask(SIG_SETMASK, &plan.signal_mask, nullptr);
  if (::chdir(plan.workdir.c_str()) == 0) ::execve(argv[0], argv.data(), envp.data());
  const char* reason = std::strerror(errno);  // no allocation: a static message for these errno values
  const char* what = "sweep: cannot start the trainer: ";
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, what, std::strlen(what));
  n = ::write(STDERR_FILENO, reason, std::strlen(reason));
  n = ::write(STDERR_FILENO, "\n", 1);
  ::_exit(127);
}

std::vector<std::string> child_environment() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    if (std::find(std::begin(kLauncherVariables), std::end(kLauncherVariables), name) == std::end(kLauncherVariables)) {
      env.push_back(entry);
    }
  }
  return env;
}

// Whether a live process holds the run directory's lock; the lock is taken and released at once when free (the
// child takes it again a moment later). `detail` gets the lock's message when held.
bool locked_by_other(const fs::path& dir, std::string& detail) {
  try {
    const std::unique_ptr<RunDirLock> lock = RunDirLock::acquire(dir);
    return false;
  } catch (const UserError& e) {
    detail = e.what();
    return true;
  }
}

int64_t configured_threads(const fs::path& dir) {
  try {
    return load_config((dir / "config.yaml").string()).trainer.threads;
  } catch (const UserError&) {
    return 0;  // the child reports the config's problem itself
  }
}

struct Child {
  size_t run = 0;  // index into the runs
  pid_t pid = -1;
  int64_t slot = 0;
  Clock::time_point start;
};

class Runner {
 public:
  Runner(const SweepSpec& spec, const std::vector<PlannedRun>& runs, const LocalRunOptions& options)
      : spec_(spec), runs_(runs), options_(options), start_(Clock::now()) {
    SASMLM_CHECK(options.jobs >= 1, "jobs >= 1");
    result_.runs.resize(runs.size());
    for (size_t i = 0; i < runs.size(); ++i) {
      LocalRunResult& r = result_.runs[i];
      r.name = runs[i].point.name;
      r.index = runs[i].point.index;
      r.dir = runs[i].dir;
      r.log =
          (fs::path(spec.out) / "logs" / (spec.slurm.job_name + "_local_" + std::to_string(r.index) + ".out")).string();
    }
  }

  LocalSweepResult run() {
    // Done runs are set aside first, so the CPUs are shared among the runs that will train.
    const std::time_t now = std::time(nullptr);
    std::vector<size_t> todo;
    for (size_t i = 0; i < runs_.size(); ++i) {
      const RunStatus status = read_run_status(runs_[i].dir, now);
      if (status.state == RunState::kDone) {
        result_.runs[i].outcome = LocalOutcome::kAlreadyDone;
        say("skip", i,
            "done already (step " + std::to_string(status.step) + "/" + std::to_string(status.max_steps) + ")");
      } else {
        todo.push_back(i);
      }
    }
    slots_ = std::min<int64_t>(options_.jobs, std::max<int64_t>(1, int64_t(todo.size())));
    free_slots_.clear();
    for (int64_t s = 0; s < slots_; ++s) free_slots_.insert(s);
    ensure_directory(fs::path(spec_.out) / "logs");
    null_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd_ < 0) throw UserError(std::string("cannot open /dev/null: ") + std::strerror(errno));
    env_ = child_environment();

    SignalBlock signals;
    signal_mask_ = signals.previous();
    size_t next = 0;
    auto last_heartbeat = Clock::now();
    try {
      while (true) {
        while (result_.stop_signal == 0 && int64_t(children_.size()) < slots_ && next < todo.size()) {
          start(todo[next++]);
        }
        if (children_.empty() && (next == todo.size() || result_.stop_signal != 0)) break;
        const int sig = signals.wait(1.0);
        if (is_stop_signal(sig)) stop(sig);
        reap();
        if (Clock::now() - last_heartbeat >= std::chrono::seconds(kHeartbeatSeconds)) {
          for (const Child& c : children_) touch(fs::path(runs_[c.run].dir) / "heartbeat");
          last_heartbeat = Clock::now();
        }
      }
    } catch (...) {
      // A runner that cannot go on (a log file it cannot open, a full disk) leaves no child behind untended.
      for (const Child& c : children_) ::kill(c.pid, SIGTERM);
      for (const Child& c : children_) ::waitpid(c.pid, nullptr, 0);
      ::close(null_fd_);
      throw;
    }
    ::close(null_fd_);
    return result_;
  }

 private:
  double elapsed(Clock::time_point since) const { return std::chrono::duration<double>(Clock::now() - since).count(); }

  // "[  12s] start    2/4 until10_seed1: pid 1234, ..."
  void say(const std::string& event, size_t i, const std::string& text) const {
    if (!options_.progress) return;
    std::string clock = seconds_text(elapsed(start_));
    clock = std::string(clock.size() < 6 ? 6 - clock.size() : 0, ' ') + clock;
    std::string label = event + std::string(event.size() < 8 ? 8 - event.size() : 0, ' ');
    options_.progress("[" + clock + "] " + label + " " + std::to_string(runs_[i].point.index + 1) + "/" +
                      std::to_string(runs_.size()) + " " + runs_[i].point.name + ": " + text);
  }

  void start(size_t i) {
    LocalRunResult& r = result_.runs[i];
    const fs::path dir = runs_[i].dir;
    // Looked at again now: another runner on the same sweep may have finished it meanwhile.
    const RunStatus status = read_run_status(dir.string(), std::time(nullptr));
    if (status.state == RunState::kDone) {
      r.outcome = LocalOutcome::kAlreadyDone;
      say("skip", i,
          "done meanwhile (step " + std::to_string(status.step) + "/" + std::to_string(status.max_steps) + ")");
      return;
    }
    std::string held;
    if (locked_by_other(dir, held)) {
      r.outcome = LocalOutcome::kLocked;
      r.detail = held;
      say("skip", i, "not started: " + held);
      return;
    }
    const int64_t slot = *free_slots_.begin();
    SpawnPlan plan;
    plan.argv_text = {options_.executable, "train", "--config", (dir / "config.yaml").string(), "--resume", "auto"};
    plan.env_text = env_;
    plan.workdir = options_.workdir;
    if (configured_threads(dir) == 0) plan.cpus = cpu_share(options_.cpus, slots_, slot);
    plan.null_fd = null_fd_;
    plan.signal_mask = signal_mask_;
    plan.log_fd = ::open(r.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (plan.log_fd < 0) {
      throw UserError("cannot open the log file " + r.log + ": " + std::strerror(errno) +
                      " (hint: is the sweep's out: directory writable?)");
    }
    const std::string header = "sweep: run " + r.name + " (local task " + std::to_string(r.index) + ", runner pid " +
                               std::to_string(::getpid()) + ") at " + utc_timestamp() + "\n";
    [[maybe_unused]] ssize_t n = ::write(plan.log_fd, header.data(), header.size());
    // As the Slurm task does: no stale exit status while it runs, a fresh heartbeat from the start.
    std::error_code ec;
    fs::remove(dir / "exit_status", ec);
    touch(dir / "heartbeat");
    const pid_t pid = spawn(plan);
    const int fork_errno = errno;
    ::close(plan.log_fd);
    if (pid < 0) throw UserError(std::string("cannot start a child process (fork): ") + std::strerror(fork_errno));
    free_slots_.erase(slot);
    children_.push_back({i, pid, slot, Clock::now()});
    say("start", i,
        "pid " + std::to_string(pid) + (plan.cpus.empty() ? "" : ", CPUs " + cpu_list(plan.cpus)) + ", log " + r.log);
  }

  void stop(int sig) {
    if (result_.stop_signal == 0) {
      result_.stop_signal = sig;
      if (options_.progress) {
        options_.progress("stopping on signal " + std::to_string(sig) + " (" + strsignal(sig) +
                          "): " + std::to_string(children_.size()) +
                          " run(s) asked to checkpoint and exit (SIGTERM); a second signal kills them");
      }
      for (const Child& c : children_) ::kill(c.pid, SIGTERM);
      return;
    }
    if (options_.progress) options_.progress("second stop signal: killing the running children (SIGKILL)");
    for (const Child& c : children_) ::kill(c.pid, SIGKILL);
  }

  void reap() {
    for (auto it = children_.begin(); it != children_.end();) {
      int wstatus = 0;
      const pid_t done = ::waitpid(it->pid, &wstatus, WNOHANG);
      if (done == 0 || (done < 0 && errno == EINTR)) {
        ++it;
        continue;
      }
      // A shell's convention for a child killed by a signal, as `rc=$?` records it in the Slurm script.
      const int code = done < 0 ? 127 : WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
      finish(*it, code);
      free_slots_.insert(it->slot);
      it = children_.erase(it);
    }
  }

  void finish(const Child& child, int code) {
    LocalRunResult& r = result_.runs[child.run];
    const fs::path dir = r.dir;
    r.exit_code = code;
    r.seconds = elapsed(child.start);
    std::error_code ec;
    fs::remove(dir / "heartbeat", ec);
    write_file_atomic(dir / "exit_status",
                      std::to_string(code) + " local-" + std::to_string(::getpid()) + " " + utc_timestamp() + "\n");
    const RunStatus status = read_run_status(dir.string(), std::time(nullptr));
    const std::string where = "step " + std::to_string(status.step) + "/" + std::to_string(status.max_steps);
    const std::string after = "exit " + std::to_string(code) + " after " + seconds_text(r.seconds) + ", " + where;
    if (code == kExitOk) {
      r.outcome = LocalOutcome::kDone;
      say("done", child.run, after);
    } else if (code == kExitInterrupted) {
      r.outcome = LocalOutcome::kInterrupted;
      say("stopped", child.run, after + " (checkpoint written; the same command resumes it)");
    } else {
      r.outcome = LocalOutcome::kFailed;
      say("FAILED", child.run, after + " (see " + r.log + " and " + (dir / "train.log").string() + ")");
    }
  }

  const SweepSpec& spec_;
  const std::vector<PlannedRun>& runs_;
  const LocalRunOptions& options_;
  const Clock::time_point start_;
  LocalSweepResult result_;
  std::vector<Child> children_;
  std::set<int64_t> free_slots_;
  int64_t slots_ = 1;
  int null_fd_ = -1;
  std::vector<std::string> env_;
  sigset_t signal_mask_{};
};

}  // namespace

std::string local_outcome_name(LocalOutcome outcome) {
  switch (outcome) {
    case LocalOutcome::kAlreadyDone:
      return "done before";
    case LocalOutcome::kDone:
      return "done";
    case LocalOutcome::kFailed:
      return "failed";
    case LocalOutcome::kInterrupted:
      return "interrupted";
    case LocalOutcome::kLocked:
      return "in use";
    case LocalOutcome::kNotStarted:
      return "not started";
  }
  return "?";
}

std::vector<int> cpu_share(const std::vector<int>& cpus, int64_t slots, int64_t slot) {
  SASMLM_CHECK(slots >= 1 && slot >= 0 && slot < slots, "slot within slots");
  if (cpus.empty()) return {};
  const int64_t n = int64_t(cpus.size());
  if (n < slots) return {cpus[size_t(slot % n)]};
  const int64_t base = n / slots, extra = n % slots;
  const int64_t begin = slot * base + std::min(slot, extra);
  const int64_t size = base + (slot < extra ? 1 : 0);
  return std::vector<int>(cpus.begin() + begin, cpus.begin() + begin + size);
}

LocalSweepResult run_sweep_local(const SweepSpec& spec, const std::vector<PlannedRun>& runs,
                                 const LocalRunOptions& options) {
  return Runner(spec, runs, options).run();
}

int local_sweep_exit_code(const LocalSweepResult& result) {
  if (result.stop_signal != 0) return kExitInterrupted;
  bool locked = false, interrupted = false;
  for (const LocalRunResult& r : result.runs) {
    if (r.outcome == LocalOutcome::kFailed) return r.exit_code.value_or(kExitInternalError);
    locked = locked || r.outcome == LocalOutcome::kLocked;
    interrupted = interrupted || r.outcome == LocalOutcome::kInterrupted || r.outcome == LocalOutcome::kNotStarted;
  }
  if (interrupted) return kExitInterrupted;
  return locked ? kExitUserError : kExitOk;
}

}  // namespace sasmlm
