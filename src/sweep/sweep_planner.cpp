// plan_sweep: check everything, then write run directories and the batch script.
#include "sasmlm/sweep/sweep_planner.h"

#include <filesystem>

#include "sasmlm/config/config_loader.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/sweep/sweep_config.h"

namespace sasmlm {
namespace {

namespace fs = std::filesystem;

// What shows that a run has started: the trainer's outputs.
std::string started_evidence(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir / "metrics.jsonl", ec)) return "metrics.jsonl present";
  if (fs::is_directory(dir / "checkpoints", ec) &&
      fs::directory_iterator(dir / "checkpoints", ec) != fs::directory_iterator()) {
    return "checkpoints present";
  }
  return "";
}

PlanAction decide(const ResolvedPoint& point, const SweepSpec& spec) {
  const fs::path dir = point.run_dir;
  const fs::path config_path = dir / "config.yaml";
  std::error_code ec;
  const std::string evidence = started_evidence(dir);
  if (!fs::exists(config_path, ec)) {
    if (!evidence.empty()) {
      throw UserError(spec.path + ": run '" + point.point.name + "' in " + dir.string() + " has started (" + evidence +
                      ") but has no config.yaml; refusing to plan over it");
    }
    return PlanAction::kCreated;
  }
  std::string problem;
  try {
    if (same_config(load_config(config_path.string()), point.config)) return PlanAction::kUnchanged;
    problem = "its config.yaml differs from the sweep's point (" + describe_point(point.point) + ")";
  } catch (const UserError& e) {
    problem = std::string("its config.yaml cannot be read: ") + e.what();
  }
  if (!evidence.empty()) {
    throw UserError(spec.path + ": run '" + point.point.name + "' in " + dir.string() + " has started (" + evidence +
                    ") and " + problem +
                    "; a started run is never rewritten (hint: restore the sweep file, or "
                    "plan into another out: directory)");
  }
  return PlanAction::kUpdated;
}

}  // namespace

std::string plan_action_name(PlanAction action) {
  switch (action) {
    case PlanAction::kCreated:
      return "created";
    case PlanAction::kUnchanged:
      return "unchanged";
    case PlanAction::kUpdated:
      return "updated";
  }
  return "?";
}

SweepPlan plan_sweep(const SweepSpec& spec, const SbatchOptions& options) {
  const std::vector<SweepPoint> points = expand_sweep(spec);
  const std::vector<ResolvedPoint> resolved = resolve_sweep(spec, points);
  SweepPlan plan;
  for (const ResolvedPoint& r : resolved) plan.runs.push_back({r.point, r.run_dir, decide(r, spec)});
  const std::string script = sbatch_script(spec, points, options);

  // Everything checked: write.
  ensure_directory(fs::path(spec.out) / "logs");
  for (size_t i = 0; i < resolved.size(); ++i) {
    if (plan.runs[i].action == PlanAction::kUnchanged) continue;
    ensure_directory(resolved[i].run_dir);
    write_file_atomic(fs::path(resolved[i].run_dir) / "config.yaml", resolved[i].config_yaml);
  }
  plan.sbatch_path = (fs::path(spec.out) / "sweep.sbatch").string();
  write_file_atomic(plan.sbatch_path, script);
  fs::permissions(plan.sbatch_path, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add);
  return plan;
}

}  // namespace sasmlm
