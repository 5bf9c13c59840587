#include "sasmlm/train/hf_run_export.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/train/checkpoint.h"
#include "sasmlm/train/hf_checkpoint.h"

namespace sasmlm {
namespace {

namespace fs = std::filesystem;

constexpr const char* kTmpMarker = ".tmp.";
constexpr const char* kOldMarker = ".old.";

// The training lines of metrics.jsonl by step (the last of equal steps: a resumed run may repeat some). A missing
// file gives none; lines that are not JSON objects (a line cut by a kill) are ignored.
std::map<int64_t, nlohmann::json> training_lines(const fs::path& metrics) {
  std::map<int64_t, nlohmann::json> out;
  std::error_code ec;
  if (!fs::exists(metrics, ec)) return out;
  std::istringstream in(read_file(metrics, "metrics log"));
  std::string line;
  while (std::getline(in, line)) {
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || j.contains("split") || !j.contains("step") || !j["step"].is_number_integer()) continue;
    out[j["step"].get<int64_t>()] = j;
  }
  return out;
}

nlohmann::json trainer_state(int64_t step, const std::string& checkpoint, const CheckpointIdentity& identity,
                             const std::map<int64_t, nlohmann::json>& lines) {
  nlohmann::json state = {{"global_step", step}, {"step", step}};
  // The line at the step, else the last one before it (a checkpoint step that log_every does not divide).
  auto it = lines.upper_bound(step);
  const nlohmann::json* line = it == lines.begin() ? nullptr : &std::prev(it)->second;
  for (const char* key : {"mlm_loss", "sas_loss", "lambda", "lr"}) {
    state[key] = line != nullptr && line->contains(key) ? (*line)[key] : nlohmann::json();
  }
  state["metrics_step"] = line != nullptr ? (*line)["step"] : nlohmann::json();
  state["source_checkpoint"] = {{"path", fs::absolute(checkpoint).string()},
                                {"bytes", identity.bytes},
                                {"crc32", identity.crc32}};
  state["sasmlm_version"] = SASMLM_VERSION;
  return state;
}

// The source record of an existing export, or null when `dir` holds no trainer_state.json of ours.
nlohmann::json recorded_source(const fs::path& dir) {
  std::error_code ec;
  const fs::path file = dir / kHfTrainerStateFile;
  if (!fs::is_regular_file(file, ec)) return nullptr;
  const nlohmann::json j = nlohmann::json::parse(read_file(file, "trainer state"), nullptr, false);
  if (!j.is_object() || !j.contains("source_checkpoint") || !j["source_checkpoint"].is_object()) return nullptr;
  return j["source_checkpoint"];
}

// Entries HFDIR/.checkpoint-<step>{.tmp,.old}.<pid> left by an export that was killed (its process is gone).
void remove_dead_temporaries(const fs::path& out) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(out, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(".checkpoint-", 0) != 0) continue;
    size_t at = name.find(kTmpMarker);
    if (at == std::string::npos) at = name.find(kOldMarker);
    if (at == std::string::npos) continue;
    const std::string pid_text = name.substr(at + 5);
    if (pid_text.empty() || pid_text.size() > 9 || pid_text.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    const pid_t pid = pid_t(std::stol(pid_text));
    if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
    std::error_code remove_ec;
    if (fs::remove_all(entry.path(), remove_ec) > 0) log_info("removed the partial export of a killed run: ", name);
  }
}

// Writes checkpoint `path` as `final_dir`, through a temporary directory renamed into place.
void export_one(const std::string& path, int64_t step, const CheckpointIdentity& identity, const fs::path& final_dir,
                const std::map<int64_t, nlohmann::json>& lines) {
  const fs::path out = final_dir.parent_path();
  const std::string suffix = std::to_string(::getpid());
  const fs::path tmp = out / cat(".", final_dir.filename().string(), kTmpMarker, suffix);
  const fs::path old = out / cat(".", final_dir.filename().string(), kOldMarker, suffix);
  std::error_code ec;
  fs::remove_all(tmp, ec);
  try {
    export_checkpoint_hf(path, tmp.string());
    // Written last inside the temporary: its source record is what a later export trusts.
    write_file_atomic(tmp / kHfTrainerStateFile, trainer_state(step, path, identity, lines).dump(2) + "\n");
    fsync_directory(tmp);
    if (fs::exists(final_dir, ec)) fs::rename(final_dir, old);
    fs::rename(tmp, final_dir);
    fsync_directory(out);
    fs::remove_all(old, ec);
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
}

}  // namespace

std::string hf_run_checkpoint_dir(const std::string& out_dir, int64_t step) {
  return (fs::path(out_dir) / cat("checkpoint-", step)).string();
}

HfRunExportSummary export_run_hf(const std::string& run_dir, const std::string& out_dir, bool force) {
  const fs::path checkpoints = fs::path(run_dir) / "checkpoints";
  std::error_code ec;
  if (!fs::is_directory(checkpoints, ec)) {
    throw UserError("export --run " + run_dir + ": no checkpoints folder (" + checkpoints.string() +
                    ") (hint: pass the run.dir of a training run)");
  }
  HfRunExportSummary summary;
  summary.out_dir = out_dir.empty() ? (fs::path(run_dir) / "hf").string() : out_dir;
  const fs::path out(summary.out_dir);
  if (fs::exists(out, ec) && !fs::is_directory(out, ec)) {
    throw UserError("export --out " + summary.out_dir + ": exists and is not a directory");
  }
  ensure_directory(out);
  remove_dead_temporaries(out);
  const std::map<int64_t, nlohmann::json> lines = training_lines(fs::path(run_dir) / "metrics.jsonl");
  if (lines.empty()) {
    log_warn("export --run: ", (fs::path(run_dir) / "metrics.jsonl").string(), " has no training lines; "
             "trainer_state.json will hold null losses");
  }

  std::vector<std::string> paths = list_checkpoints(checkpoints.string());
  std::reverse(paths.begin(), paths.end());  // oldest first
  for (const std::string& path : paths) {
    const int64_t step = checkpoint_step(path);
    const fs::path final_dir = hf_run_checkpoint_dir(summary.out_dir, step);
    try {
      const CheckpointIdentity identity = checkpoint_identity(path);
      if (fs::exists(final_dir, ec) || fs::is_symlink(final_dir, ec)) {
        const nlohmann::json source = recorded_source(final_dir);
        if (source.is_null() && !force) {
          throw UserError(cat(final_dir.string(), ": exists but holds no ", kHfTrainerStateFile, " written by "
                              "export --run, so it was left alone (hint: move it away, or pass --force to replace "
                              "it)"));
        }
        if (!source.is_null() && source.value("bytes", uint64_t(0)) == identity.bytes &&
            source.value("crc32", uint32_t(0)) == identity.crc32) {
          summary.already_done.push_back(step);
          continue;
        }
        if (!fs::is_directory(fs::symlink_status(final_dir, ec))) {
          throw UserError(final_dir.string() + ": exists and is not a directory; it was left alone");
        }
        log_info("export --run: ", final_dir.string(), " was made from another ", path, " (the run rewrote that "
                 "step); exporting it again");
      }
      export_one(path, step, identity, final_dir, lines);
      summary.exported.push_back(step);
    } catch (const UserError& e) {
      log_warn("export --run: skipping ", path, ": ", e.what());
      summary.failed.push_back(e.what());
    } catch (const fs::filesystem_error& e) {
      log_warn("export --run: skipping ", path, ": ", e.what());
      summary.failed.push_back(cat(path, ": ", e.what()));
    }
  }
  return summary;
}

}  // namespace sasmlm
