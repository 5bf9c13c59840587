// build_report: run directories -> rows of final/best metrics; CSV and Markdown renderings.
#include "sasmlm/sweep/sweep_report.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "sasmlm/sweep/run_metrics.h"
#include "sasmlm/sweep/sweep_points.h"

namespace sasmlm {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kColumns = {"final_mlm_loss", "best_mlm_loss",   "final_sas_loss",     "final_dev_loss",
                                           "best_dev_loss",  "final_uas",       "best_uas",           "final_blimp",
                                           "best_blimp",     "structure_onset", "capabilities_onset", "blimp_onset",
                                           "loss_drop_onset"};

// The onsets `sasmlm eval --run` writes to DIR/onsets.json (a null onset stays an empty cell).
const std::vector<std::string> kOnsetKeys = {"structure_onset", "capabilities_onset", "blimp_onset",
                                             "loss_drop_onset"};

// Tracks the last value and the best one (lowest or highest) of one metric.
struct Series {
  bool lower_is_better = true;
  bool any = false;
  double last = 0, best = 0;

  void add(double value) {
    if (!std::isfinite(value)) return;
    best = !any ? value : (lower_is_better ? std::min(best, value) : std::max(best, value));
    last = value;
    any = true;
  }
  void store(std::map<std::string, double>& out, const std::string& final_name, const std::string& best_name) const {
    if (!any) return;
    if (!final_name.empty()) out[final_name] = last;
    if (!best_name.empty()) out[best_name] = best;
  }
};

std::map<std::string, double> run_metrics(const std::string& run_dir) {
  Series train_loss, sas_loss, dev_loss, uas{false}, blimp{false};
  for (const MetricRecord& r : read_metric_records(run_dir)) {
    auto add = [&](Series& series, const char* name) {
      auto it = r.values.find(name);
      if (it != r.values.end()) series.add(it->second);
    };
    if (r.is_eval) {
      add(dev_loss, "mlm_loss");
      add(uas, "uas");
      add(blimp, "blimp.overall");
    } else {
      add(train_loss, "mlm_loss");
      add(sas_loss, "sas_loss");
    }
  }
  std::map<std::string, double> out;
  train_loss.store(out, "final_mlm_loss", "best_mlm_loss");
  sas_loss.store(out, "final_sas_loss", "");
  dev_loss.store(out, "final_dev_loss", "best_dev_loss");
  uas.store(out, "final_uas", "best_uas");
  blimp.store(out, "final_blimp", "best_blimp");
  const auto onsets = read_flat_numbers((fs::path(run_dir) / "onsets.json").string());
  for (const std::string& key : kOnsetKeys) {
    auto it = onsets.find(key);
    if (it != onsets.end()) out[key] = it->second;
  }
  return out;
}

std::string format_number(double value) {
  std::ostringstream s;
  s.precision(6);
  s << value;
  return s.str();
}

// RFC 4180: quote a cell holding a comma, quote or newline.
std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string md_cell(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

}  // namespace

std::string sweep_plot_script() {
  std::vector<fs::path> candidates;
  if (const char* dir = std::getenv("SASMLM_SCRIPTS")) candidates.emplace_back(fs::path(dir) / "sweep_report_plot.py");
  candidates.emplace_back(fs::path(SASMLM_SCRIPTS_DIR) / "sweep_report_plot.py");
  for (const fs::path& path : candidates) {
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) return path.string();
  }
  return "";
}

SweepReport build_report(const SweepSpec& spec, std::time_t now) {
  SweepReport report;
  report.axis_keys = sweep_axis_keys(spec);
  for (const SweepPoint& point : expand_sweep(spec)) {
    ReportRow row;
    row.name = point.name;
    for (const auto& [key, value] : point.values) row.axis_values.push_back(value);
    const std::string dir = (fs::path(spec.out) / point.name).string();
    row.status = read_run_status(dir, now);
    row.metrics = run_metrics(dir);
    report.rows.push_back(std::move(row));
  }
  report.metric_columns = kColumns;
  return report;
}

std::string report_csv(const SweepReport& report) {
  std::ostringstream s;
  s << "run,state,step";
  for (const auto& key : report.axis_keys) s << "," << csv_cell(key);
  for (const auto& column : report.metric_columns) s << "," << csv_cell(column);
  s << "\n";
  for (const ReportRow& row : report.rows) {
    s << csv_cell(row.name) << "," << run_state_name(row.status.state) << "," << row.status.step;
    for (const auto& value : row.axis_values) s << "," << csv_cell(value);
    for (const auto& column : report.metric_columns) {
      auto it = row.metrics.find(column);
      s << "," << (it == row.metrics.end() ? "" : format_number(it->second));
    }
    s << "\n";
  }
  return s.str();
}

std::string report_markdown(const SweepReport& report) {
  std::vector<std::string> columns;
  for (const auto& column : report.metric_columns) {
    for (const ReportRow& row : report.rows) {
      if (!row.metrics.count(column)) continue;
      columns.push_back(column);
      break;
    }
  }
  std::ostringstream s;
  s << "| run | state | step |";
  for (const auto& key : report.axis_keys) s << " " << md_cell(key) << " |";
  for (const auto& column : columns) s << " " << column << " |";
  s << "\n|---|---|---:|";
  for (size_t i = 0; i < report.axis_keys.size(); ++i) s << "---|";
  for (size_t i = 0; i < columns.size(); ++i) s << "---:|";
  s << "\n";
  for (const ReportRow& row : report.rows) {
    s << "| " << md_cell(row.name) << " | " << run_state_name(row.status.state) << " | " << row.status.step << " |";
    for (const auto& value : row.axis_values) s << " " << md_cell(value) << " |";
    for (const auto& column : columns) {
      auto it = row.metrics.find(column);
      s << " " << (it == row.metrics.end() ? "" : format_number(it->second)) << " |";
    }
    s << "\n";
  }
  return s.str();
}

}  // namespace sasmlm
