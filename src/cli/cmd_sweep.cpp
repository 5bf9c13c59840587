#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>

#include "commands.h"
#include "sasmlm/core/cpu_threads.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/core/name_suggestion.h"
#include "sasmlm/sweep/local_runner.h"
#include "sasmlm/sweep/run_status.h"
#include "sasmlm/sweep/sbatch_script.h"
#include "sasmlm/sweep/sweep_file.h"
#include "sasmlm/sweep/sweep_planner.h"
#include "sasmlm/sweep/sweep_points.h"
#include "sasmlm/sweep/sweep_report.h"
#include "sasmlm/sweep/sweep_submit.h"

namespace sasmlm::cli {

namespace {

namespace fs = std::filesystem;


std::string optional_number(const std::optional<double>& value) { return value ? fixed(*value, 4) : "-"; }

std::string padded(const std::string& text, size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

// Where the runs start: this very executable, in the current directory (relative config paths resolve against it).
SbatchOptions launch_options() {
  SbatchOptions options;
  options.sasmlm_path = fs::read_symlink("/proc/self/exe").string();
  options.workdir = fs::current_path().string();
  return options;
}

int run_plan(const SweepSpec& spec, bool submit) {
  // Checked first, so a missing sbatch is reported before anything is written.
  std::string sbatch;
  if (submit) {
    sbatch = find_on_path("sbatch");
    if (sbatch.empty()) {
      throw UserError(
          "--submit: sbatch not found on PATH (hint: plan without --submit here and run "
          "`sbatch " +
          spec.out + "/sweep.sbatch` where Slurm is installed)");
    }
  }
  const SweepPlan plan = plan_sweep(spec, launch_options());
  size_t counts[3] = {0, 0, 0};
  for (const PlannedRun& run : plan.runs) {
    ++counts[int(run.action)];
    std::cout << padded(std::to_string(run.point.index), 4) << padded(plan_action_name(run.action), 10) << run.dir
              << "\n";
  }
  std::cout << plan.runs.size() << " runs (" << counts[0] << " created, " << counts[2] << " updated, " << counts[1]
            << " unchanged); batch script " << plan.sbatch_path << "\n";
  if (!submit) return kExitOk;

  // Runs already done or running are not submitted again; interrupted ones come back through their requeue.
  std::vector<size_t> indices;
  const std::time_t now = std::time(nullptr);
  for (const PlannedRun& run : plan.runs) {
    const RunState state = read_run_status(run.dir, now).state;
    if (state == RunState::kPlanned || state == RunState::kFailed) indices.push_back(run.point.index);
  }
  if (indices.empty()) {
    std::cout << "nothing to submit: every run is done, running or waiting for its requeue\n";
    return kExitOk;
  }
  const Submission s = submit_sweep(spec, sbatch, indices);
  std::cout << "submitted job " << s.job_id << " (array " << s.array << "); recorded in " << spec.out
            << "/submissions.jsonl\n";
  return kExitOk;
}

int run_status(const SweepSpec& spec) {
  const std::time_t now = std::time(nullptr);
  std::cout << padded("#", 4) << padded("run", 28) << padded("state", 12) << padded("step", 12)
            << padded("mlm_loss", 10) << padded("sas_loss", 10) << padded("lambda", 10) << padded("dev_loss", 10)
            << "\n";
  std::map<std::string, int> counts;
  for (const SweepPoint& point : expand_sweep(spec)) {
    const RunStatus s = read_run_status((fs::path(spec.out) / point.name).string(), now);
    ++counts[run_state_name(s.state)];
    auto value = [&](const char* name) {
      auto it = s.last.find(name);
      return it == s.last.end() ? std::optional<double>() : std::optional<double>(it->second);
    };
    std::cout << padded(std::to_string(point.index), 4) << padded(point.name, 28) << padded(run_state_name(s.state), 12)
              << padded(std::to_string(s.step) + "/" + std::to_string(s.max_steps), 12)
              << padded(optional_number(value("mlm_loss")), 10) << padded(optional_number(value("sas_loss")), 10)
              << padded(optional_number(value("lambda")), 10) << padded(optional_number(s.last_dev_loss), 10)
              << s.detail << "\n";
  }
  std::string summary;
  for (const auto& [state, n] : counts) summary += (summary.empty() ? "" : ", ") + std::to_string(n) + " " + state;
  std::cout << summary << "\n";
  return kExitOk;
}

int run_report(const SweepSpec& spec) {
  const SweepReport report = build_report(spec, std::time(nullptr));
  const fs::path out = spec.out;
  ensure_directory(out);
  write_file_atomic(out / "report.csv", report_csv(report));
  const std::string markdown = report_markdown(report);
  write_file_atomic(out / "report.md", markdown);
  std::cout << markdown << "\ntable: " << (out / "report.csv").string() << ", " << (out / "report.md").string() << "\n";
  const std::string script = sweep_plot_script();
  const char* python_env = std::getenv("SASMLM_PYTHON");
  const std::string python = python_env != nullptr && *python_env != '\0' ? python_env : "python3";
  const std::string figure = (out / "report.png").string();
  if (script.empty()) {
    std::cerr << "figure: scripts/sweep_report_plot.py not found (set SASMLM_SCRIPTS to the scripts/ directory)\n";
    return kExitOk;
  }
  const std::string command = shell_quote(python) + " " + shell_quote(script) + " " +
                              shell_quote((out / "report.csv").string()) + " --out " + shell_quote(figure);
  std::cout.flush();
  if (std::system(command.c_str()) == 0) {
    std::cout << "figure: " << figure << "\n";
  } else {
    std::cerr << "figure: not drawn (" << command << " failed; it needs matplotlib)\n";
  }
  return kExitOk;
}

// `sweep run --local`: plan (safe to repeat), then train the runs that are not done as children of this process.
int run_local(const SweepSpec& spec, int64_t jobs) {
  const SbatchOptions plan_options = launch_options();
  const SweepPlan plan = plan_sweep(spec, plan_options);
  std::cout << plan.runs.size() << " runs in " << spec.out << ", " << jobs << " at a time\n" << std::flush;

  LocalRunOptions options;
  options.executable = plan_options.sasmlm_path;
  options.workdir = plan_options.workdir;
  options.jobs = jobs;
  options.cpus = allowed_cpu_ids();
  options.progress = [](const std::string& line) { std::cout << line << "\n" << std::flush; };
  const LocalSweepResult result = run_sweep_local(spec, plan.runs, options);

  std::map<LocalOutcome, std::vector<std::string>> by_outcome;
  for (const LocalRunResult& r : result.runs) {
    by_outcome[r.outcome].push_back(r.name + (r.exit_code && r.outcome == LocalOutcome::kFailed
                                                  ? " (exit " + std::to_string(*r.exit_code) + ", log " + r.log + ")"
                                                  : ""));
  }
  std::string summary;
  for (const auto& [outcome, names] : by_outcome) {
    summary += (summary.empty() ? "" : ", ") + std::to_string(names.size()) + " " + local_outcome_name(outcome);
  }
  std::cout << result.runs.size() << " runs: " << summary << "\n";
  auto names_of = [&](LocalOutcome outcome) { return join_names(by_outcome[outcome]); };
  const int code = local_sweep_exit_code(result);
  if (!by_outcome[LocalOutcome::kFailed].empty()) {
    std::cerr << "error: failed runs: " << names_of(LocalOutcome::kFailed) << "\n";
  }
  if (!by_outcome[LocalOutcome::kLocked].empty()) {
    std::cerr << "error: runs in use by another process, not started: " << names_of(LocalOutcome::kLocked) << "\n";
  }
  if (code == kExitInterrupted) {
    std::cerr << "interrupted" << (result.stop_signal != 0 ? " by signal " + std::to_string(result.stop_signal) : "")
              << ": run the same command again to continue\n";
  }
  return code;
}

int run_sweep(const Args& args) {
  static const std::vector<std::string> kActions = {"plan", "run", "status", "report"};
  if (args.positional.size() != 2) {
    throw UserError("sasmlm sweep: expected an action and a sweep file (usage: " + sweep_command().usage + ")");
  }
  const std::string& action = args.positional[0];
  if (std::find(kActions.begin(), kActions.end(), action) == kActions.end()) {
    throw UserError("sasmlm sweep: unknown action '" + action + "' (" +
                    did_you_mean(action, kActions, "'", "expected plan, run, status or report") + ")");
  }
  const bool submit = args.has("--submit");
  if (submit && action != "plan") throw UserError("sasmlm sweep: --submit goes with plan");
  for (const char* option : {"--local", "--jobs"}) {
    if (args.has(option) && action != "run") throw UserError(std::string("sasmlm sweep: ") + option + " goes with run");
  }
  int64_t jobs = 1;
  if (action == "run") {
    if (!args.has("--local")) {
      throw UserError(
          "sasmlm sweep run: only --local is implemented (hint: `sasmlm sweep run SWEEP.yaml --local` trains the "
          "runs on this machine; on Slurm use `sasmlm sweep plan SWEEP.yaml --submit`)");
    }
    jobs = args.get_int("--jobs", 1);
    if (jobs < 1) {
      throw UserError("--jobs: expected a positive number of runs at once, got " + std::to_string(jobs) +
                      " (hint: --jobs 1 trains the runs one after another; this machine lets sasmlm use " +
                      std::to_string(available_cpus()) + " CPU(s))");
    }
  }
  setup_logging(args.get("--log-level", "warn"), "", true);
  const SweepSpec spec = load_sweep_file(args.positional[1]);
  if (action == "plan") return run_plan(spec, submit);
  if (action == "run") return run_local(spec, jobs);
  if (action == "status") return run_status(spec);
  return run_report(spec);
}

}  // namespace

Command sweep_command() {
  Command c;
  c.name = "sweep";
  c.summary = "sweeps: plan run directories and an sbatch script, run them here (--local), status, report";
  c.usage = "sasmlm sweep (plan [--submit] | run --local [--jobs N] | status | report) SWEEP.yaml [--log-level LEVEL]";
  c.options = {
      {"--submit", "", "plan: then submit DIR/sweep.sbatch with sbatch (runs not yet started or failed)"},
      {"--local", "", "run: train the runs not yet done on this machine, as children of this process (resumable)"},
      {"--jobs", "N", "run --local: runs trained at once (default 1); auto-thread runs share the CPUs"},
      log_level_option("default warn"),
  };
  c.positional = "ACTION SWEEP.yaml";
  c.run = run_sweep;
  return c;
}

}  // namespace sasmlm::cli
