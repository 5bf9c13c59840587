// `sasmlm sweep plan --submit`: hand the batch script to sbatch and record the job id in DIR/submissions.jsonl.
#pragma once

#include <string>
#include <vector>

#include "sasmlm/sweep/sweep_file.h"

namespace sasmlm {

// The absolute path of `program` on $PATH, or "" when it is not there.
std::string find_on_path(const std::string& program);

// The current UTC time as `date -u +%FT%TZ` prints it (2026-12-06T02:46:28Z), as the sweep's records carry it.
std::string utc_timestamp();

struct Submission {
  std::string job_id;  // the array's job id
  std::string array;   // the --array range submitted, e.g. "0-3" or "1,3"
};

// Runs `<sbatch> --parsable --array=RANGE DIR/sweep.sbatch` for the given point indices and appends
// {"job_id", "array", "submitted_at", "sweep"} to DIR/submissions.jsonl. A failing sbatch is a UserError carrying
// its exit code (its own message goes to stderr).
Submission submit_sweep(const SweepSpec& spec, const std::string& sbatch, const std::vector<size_t>& indices);

}  // namespace sasmlm
