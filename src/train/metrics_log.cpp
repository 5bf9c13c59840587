#include "sasmlm/train/metrics_log.h"

#include <filesystem>
#include <sstream>

#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"

namespace sasmlm {

MetricsLog::MetricsLog(const std::string& path, int64_t resume_step) : path_(path) {
  if (resume_step >= 0 && std::filesystem::exists(path)) {
    std::istringstream in(read_file(path, "metrics file"));
    std::string line, kept;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      try {
        auto record = nlohmann::json::parse(line);
        if (record.value("step", int64_t(0)) > resume_step) continue;
      } catch (const std::exception&) {
        continue;  // a torn last line from a killed run
      }
      kept += line + "\n";
    }
    write_file_atomic(path, kept);
  }
  file_ = std::fopen(path.c_str(), "a");
  if (file_ == nullptr) throw UserError("cannot open metrics file " + path + " for appending");
}

MetricsLog::~MetricsLog() {
  if (file_ != nullptr) std::fclose(file_);
}

void MetricsLog::write(const nlohmann::json& record) {
  const std::string line = record.dump() + "\n";
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0) {
    throw UserError("cannot write metrics file " + path_ + " (hint: is the disk full?)");
  }
}

}  // namespace sasmlm
