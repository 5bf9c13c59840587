// A run's metric records (metrics.jsonl, eval.jsonl) as flat name -> number maps, for sweep status and report.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sasmlm {

struct MetricRecord {
  int64_t step = 0;
  bool is_eval = false;                  // an evaluation record (has `split`, or comes from eval.jsonl)
  std::map<std::string, double> values;  // numbers at the top level, and one level down as "blimp.overall"
};

// DIR/metrics.jsonl and DIR/eval.jsonl (each optional), merged in step order (stable: a file's own order within a
// step, metrics.jsonl first). Unparseable lines (a torn last line) are skipped.
std::vector<MetricRecord> read_metric_records(const std::string& run_dir);

// A JSON file's numbers flattened the same way ("structure_onset", "uas.onset_step"); empty when the file is
// absent; malformed JSON is a UserError naming the file.
std::map<std::string, double> read_flat_numbers(const std::string& path);

}  // namespace sasmlm
