// `sasmlm sweep report`: one row per run with its axis values, state, and final and best metrics, as CSV and as a
// Markdown table (DIR/report.csv, DIR/report.md); scripts/sweep_report_plot.py draws DIR/report.png from the CSV.
//
// Columns: run, state, step, one per axis (the axis key), then
//   final_mlm_loss best_mlm_loss   training MLM loss: last record, minimum
//   final_sas_loss                 last training record's SAS term
//   final_dev_loss best_dev_loss   held-out MLM loss of evaluation records (metrics.jsonl `split`, eval.jsonl)
//   final_uas best_uas             implicit-parse UAS: last evaluation carrying it, maximum
//   final_blimp best_blimp         BLiMP overall accuracy: likewise
//   structure_onset capabilities_onset blimp_onset   from DIR/<run>/onsets.json (`sasmlm eval --run`) when present
// Cells without a value are empty.
#pragma once

#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "sasmlm/sweep/run_status.h"
#include "sasmlm/sweep/sweep_file.h"

namespace sasmlm {

struct ReportRow {
  std::string name;
  std::vector<std::string> axis_values;  // as written in the sweep file, in axis order
  RunStatus status;
  std::map<std::string, double> metrics;  // column name -> value
};

struct SweepReport {
  std::vector<std::string> axis_keys;
  std::vector<std::string> metric_columns;  // the columns above, in that order
  std::vector<ReportRow> rows;
};

SweepReport build_report(const SweepSpec& spec, std::time_t now);

std::string report_csv(const SweepReport& report);

// Metric columns without any value are left out of the table.
std::string report_markdown(const SweepReport& report);

// scripts/sweep_report_plot.py: $SASMLM_SCRIPTS/sweep_report_plot.py, else the source tree's scripts/ directory
// (recorded at build time); "" when neither exists.
std::string sweep_plot_script();

}  // namespace sasmlm
