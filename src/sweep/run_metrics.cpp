// read_metric_records: metrics.jsonl / eval.jsonl -> flat records.
#include "sasmlm/sweep/run_metrics.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"

namespace sasmlm {
namespace {

namespace fs = std::filesystem;

void flatten(const nlohmann::json& object, const std::string& prefix, int depth, std::map<std::string, double>& out) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string name = prefix + it.key();
    if (it->is_number()) {
      out[name] = it->get<double>();
    } else if (it->is_object() && depth > 0) {
      flatten(*it, name + ".", depth - 1, out);
    }
  }
}

void read_jsonl(const fs::path& path, bool all_eval, std::vector<MetricRecord>& records) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const std::exception&) {
      continue;  // a torn last line of a killed run
    }
    if (!j.is_object()) continue;
    MetricRecord r;
    r.step = j.value("step", int64_t(0));
    r.is_eval = all_eval || j.contains("split");
    flatten(j, "", 1, r.values);
    records.push_back(std::move(r));
  }
}

}  // namespace

std::vector<MetricRecord> read_metric_records(const std::string& run_dir) {
  std::vector<MetricRecord> records;
  read_jsonl(fs::path(run_dir) / "metrics.jsonl", false, records);
  read_jsonl(fs::path(run_dir) / "eval.jsonl", true, records);
  // In step order: eval.jsonl (written later, by `sasmlm eval --run`) may hold steps before metrics.jsonl's last.
  std::stable_sort(records.begin(), records.end(),
                   [](const MetricRecord& a, const MetricRecord& b) { return a.step < b.step; });
  return records;
}

std::map<std::string, double> read_flat_numbers(const std::string& path) {
  std::map<std::string, double> out;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return out;
  try {
    const nlohmann::json j = nlohmann::json::parse(read_file(path, "JSON file"));
    if (j.is_object()) flatten(j, "", 1, out);
  } catch (const nlohmann::json::exception& e) {
    throw UserError(path + ": malformed JSON: " + e.what());
  }
  return out;
}

}  // namespace sasmlm
