// metrics.jsonl: one JSON object per line, appended and flushed as training goes.
//
// On resume from step s, records with step > s (written after that checkpoint by the interrupted run) are dropped
// first, so the file always describes one consistent history.
#pragma once

#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace sasmlm {

class MetricsLog {
 public:
  // Opens `path` for appending; when resume_step >= 0, first rewrites it without records past resume_step.
  MetricsLog(const std::string& path, int64_t resume_step);
  ~MetricsLog();
  MetricsLog(const MetricsLog&) = delete;
  MetricsLog& operator=(const MetricsLog&) = delete;

  void write(const nlohmann::json& record);

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

}  // namespace sasmlm
