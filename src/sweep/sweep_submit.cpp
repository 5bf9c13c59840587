// submit_sweep: sbatch --parsable, then a record of the job id beside the runs.
#include "sasmlm/sweep/sweep_submit.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "sasmlm/core/error.h"
#include "sasmlm/sweep/sbatch_script.h"

namespace sasmlm {
namespace {

namespace fs = std::filesystem;

}  // namespace

std::string utc_timestamp() {
  char text[32];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string find_on_path(const std::string& program) {
  if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0 ? program : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t colon = dirs.find(':', start);
    std::string dir = dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!dir.empty()) {
      const fs::path candidate = fs::path(dir) / program;
      std::error_code ec;
      if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return "";
}

Submission submit_sweep(const SweepSpec& spec, const std::string& sbatch, const std::vector<size_t>& indices) {
  SASMLM_CHECK(!indices.empty(), "nothing to submit");
  Submission submission;
  submission.array = array_range(indices);
  const std::string script = (fs::path(spec.out) / "sweep.sbatch").string();
  const std::string command =
      shell_quote(sbatch) + " --parsable --array=" + submission.array + " " + shell_quote(script);
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw UserError("cannot run " + sbatch);
  std::string output;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = ::pclose(pipe);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  // --parsable prints "JOBID" or "JOBID;CLUSTER".
  std::string id = output.substr(0, output.find_first_of(";\n"));
  if (code != 0 || id.empty() || id.find_first_not_of("0123456789") != std::string::npos) {
    throw UserError("sbatch failed (exit code " + std::to_string(code) + ", output '" + output + "') for " + script +
                    "; the runs are planned, submit them with: sbatch --array=" + submission.array + " " + script);
  }
  submission.job_id = id;
  const nlohmann::json record = {
      {"job_id", id}, {"array", submission.array}, {"submitted_at", utc_timestamp()}, {"sweep", spec.path}};
  std::ofstream log(fs::path(spec.out) / "submissions.jsonl", std::ios::app);
  log << record.dump() << "\n";
  if (!log) throw UserError("submitted job " + id + " but cannot append to " + spec.out + "/submissions.jsonl");
  return submission;
}

}  // namespace sasmlm
