#include <sys/stat.h>
#include <utime.h>

#include <ctime>
#include <filesystem>

#include "sasmlm/core/file_util.h"
#include "sasmlm/sweep/run_status.h"
#include "sweep_test_util.h"

namespace sasmlm::test {
namespace {

namespace fs = std::filesystem;

// A run directory with config.yaml (max_steps 40) and the given metrics lines.
fs::path make_run(const TempDir& dir, const std::string& name, const std::string& metrics) {
  const fs::path run = dir / name;
  fs::create_directories(run);
  write_text(run / "config.yaml", "trainer: {max_steps: 40}\n");
  if (!metrics.empty()) write_text(run / "metrics.jsonl", metrics);
  return run;
}

void set_mtime(const fs::path& path, std::time_t when) {
  struct utimbuf times {
    when, when
  };
  ASSERT_EQ(::utime(path.c_str(), &times), 0) << path;
}

const char* kHalfway =
    "{\"step\": 10, \"mlm_loss\": 6.5, \"sas_loss\": 0.2, \"lambda\": 0.01, \"lr\": 0.001}\n"
    "{\"step\": 20, \"mlm_loss\": 6.0, \"sas_loss\": 0.1, \"lambda\": 0.01, \"lr\": 0.0009}\n"
    "{\"step\": 20, \"split\": \"dev\", \"mlm_loss\": 6.2}\n";
const char* kFinished =
    "{\"step\": 20, \"mlm_loss\": 6.0, \"sas_loss\": 0.1, \"lambda\": 0.01, \"lr\": 0.0009}\n"
    "{\"step\": 40, \"mlm_loss\": 5.0, \"sas_loss\": 0.0, \"lambda\": 0, \"lr\": 0}\n";

TEST(RunStatus, PlannedWhenNothingStarted) {
  TempDir dir;
  const RunStatus s = read_run_status(make_run(dir, "r", "").string(), std::time(nullptr));
  EXPECT_EQ(s.state, RunState::kPlanned);
  EXPECT_EQ(s.step, 0);
  EXPECT_EQ(s.max_steps, 40);
}

TEST(RunStatus, RunningFromHeartbeatWithLastMetrics) {
  TempDir dir;
  const fs::path run = make_run(dir, "r", kHalfway);
  const std::time_t now = std::time(nullptr) + 1000;  // metrics.jsonl looks old
  write_text(run / "heartbeat", "");
  set_mtime(run / "heartbeat", now - 20);
  const RunStatus s = read_run_status(run.string(), now);
  EXPECT_EQ(s.state, RunState::kRunning);
  EXPECT_EQ(s.step, 20);
  EXPECT_DOUBLE_EQ(s.last.at("mlm_loss"), 6.0);
  EXPECT_DOUBLE_EQ(s.last.at("lr"), 0.0009);
  ASSERT_TRUE(s.last_dev_loss.has_value());
  EXPECT_DOUBLE_EQ(*s.last_dev_loss, 6.2);
}

TEST(RunStatus, RunningFromRecentMetricsWithoutHeartbeat) {
  TempDir dir;
  const fs::path run = make_run(dir, "r", kHalfway);
  EXPECT_EQ(read_run_status(run.string(), std::time(nullptr)).state, RunState::kRunning);
}

TEST(RunStatus, StaleHeartbeatWithoutExitStatusIsFailed) {
  TempDir dir;
  const fs::path run = make_run(dir, "r", kHalfway);
  write_text(run / "heartbeat", "");
  const std::time_t now = std::time(nullptr) + 1000;
  const RunStatus s = read_run_status(run.string(), now);
  EXPECT_EQ(s.state, RunState::kFailed);
  EXPECT_CONTAINS(s.detail, "stopped at step 20 without an exit status");
}

TEST(RunStatus, ExitCodesDecide) {
  TempDir dir;
  const std::time_t later = std::time(nullptr) + 1000;
  const fs::path interrupted = make_run(dir, "i", kHalfway);
  write_text(interrupted / "exit_status", "75 123 2026-01-01T00:00:00Z\n");
  EXPECT_EQ(read_run_status(interrupted.string(), later).state, RunState::kInterrupted);

  const fs::path failed = make_run(dir, "f", kHalfway);
  write_text(failed / "exit_status", "2 124 2026-01-01T00:00:00Z\n");
  const RunStatus f = read_run_status(failed.string(), later);
  EXPECT_EQ(f.state, RunState::kFailed);
  ASSERT_TRUE(f.exit_code.has_value());
  EXPECT_EQ(*f.exit_code, 2);
  EXPECT_CONTAINS(f.detail, "exit code 2");

  // A task that crashed before writing any metrics is failed too, not planned.
  const fs::path early = make_run(dir, "e", "");
  write_text(early / "exit_status", "1 125 2026-01-01T00:00:00Z\n");
  EXPECT_EQ(read_run_status(early.string(), later).state, RunState::kFailed);
}

TEST(RunStatus, DoneAtMaxSteps) {
  TempDir dir;
  const std::time_t later = std::time(nullptr) + 1000;
  const fs::path done = make_run(dir, "d", kFinished);
  EXPECT_EQ(read_run_status(done.string(), later).state, RunState::kDone);
  // Done even while the metrics file is fresh, and with exit status 0.
  write_text(done / "exit_status", "0 126 2026-01-01T00:00:00Z\n");
  const RunStatus s = read_run_status(done.string(), std::time(nullptr));
  EXPECT_EQ(s.state, RunState::kDone);
  EXPECT_EQ(s.step, 40);
  EXPECT_DOUBLE_EQ(s.last.at("mlm_loss"), 5.0);
  // Reaching the end and then crashing (say, in the final evaluation) is a failure.
  write_text(done / "exit_status", "1 126 2026-01-01T00:00:00Z\n");
  EXPECT_EQ(read_run_status(done.string(), later).state, RunState::kFailed);
}

TEST(RunStatus, TornLastLineIsSkipped) {
  TempDir dir;
  const fs::path run = make_run(dir, "r", std::string(kFinished) + "{\"step\": 4");
  EXPECT_EQ(read_run_status(run.string(), std::time(nullptr) + 1000).state, RunState::kDone);
}

}  // namespace
}  // namespace sasmlm::test
