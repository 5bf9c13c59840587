#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>

#include "commands.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/core/name_suggestion.h"
#include "sasmlm/sweep/run_status.h"
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
  SbatchOptions options;
  options.sasmlm_path = fs::read_symlink("/proc/self/exe").string();
  options.workdir = fs::current_path().string();
  const SweepPlan plan = plan_sweep(spec, options);
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

int run_sweep(const Args& args) {
  if (args.positional.size() != 2) {
    throw UserError("sasmlm sweep: expected an action and a sweep file (usage: " + sweep_command().usage + ")");
  }
  const std::string& action = args.positional[0];
  if (action != "plan" && action != "status" && action != "report") {
    const std::string close = closest_name(action, {"plan", "status", "report"});
    throw UserError("sasmlm sweep: unknown action '" + action + "' (" +
                    (close.empty() ? "expected plan, status or report" : "did you mean '" + close + "'?") + ")");
  }
  const bool submit = args.has("--submit");
  if (submit && action != "plan") throw UserError("sasmlm sweep: --submit goes with plan");
  setup_logging(args.get("--log-level", "warn"), "", true);
  const SweepSpec spec = load_sweep_file(args.positional[1]);
  if (action == "plan") return run_plan(spec, submit);
  if (action == "status") return run_status(spec);
  return run_report(spec);
}

}  // namespace

Command sweep_command() {
  Command c;
  c.name = "sweep";
  c.summary = "sweeps as Slurm job arrays: plan run directories and an sbatch script, status, report";
  c.usage = "sasmlm sweep (plan | status | report) SWEEP.yaml [--submit] [--log-level LEVEL]";
  c.options = {
      {"--submit", "", "plan: then submit DIR/sweep.sbatch with sbatch (runs not yet started or failed)"},
      log_level_option("default warn"),
  };
  c.positional = "ACTION SWEEP.yaml";
  c.run = run_sweep;
  return c;
}

}  // namespace sasmlm::cli
