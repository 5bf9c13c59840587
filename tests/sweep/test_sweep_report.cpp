#include <filesystem>

#include "sasmlm/sweep/sweep_report.h"
#include "sweep_test_util.h"

namespace sasmlm::test {
namespace {

namespace fs = std::filesystem;

// Two planned-looking runs with fake outputs: one finished with evaluations and onsets, one with nothing.
SweepSpec fake_sweep(const TempDir& dir) {
  const SweepSpec spec = write_sweep(dir, "grid:\n  sas.schedule.0.until: [0, 3000]\n  run.seed: [1]\n");
  for (const char* name : {"until0_seed1", "until3000_seed1"}) {
    fs::create_directories(dir / "out" / name);
    write_text(dir / "out" / name / "config.yaml", "trainer: {max_steps: 40}\n");
  }
  const fs::path done = dir / "out" / "until0_seed1";
  write_text(done / "metrics.jsonl",
             "{\"step\": 20, \"mlm_loss\": 4.5, \"sas_loss\": 0.3, \"lambda\": 0.01}\n"
             "{\"step\": 20, \"split\": \"dev\", \"mlm_loss\": 4.8, \"uas\": 0.31, \"blimp\": {\"overall\": 0.55}}\n"
             "{\"step\": 40, \"mlm_loss\": 4.75, \"sas_loss\": 0.1, \"lambda\": 0}\n"
             "{\"step\": 40, \"split\": \"dev\", \"mlm_loss\": 4.6, \"uas\": 0.29, \"blimp\": {\"overall\": 0.6}}\n");
  write_text(done / "eval.jsonl",
             "{\"step\": 50, \"mlm_loss\": 4.4, \"uas\": 0.35, \"uas_best_head\": {\"uas\": 0.35}}\n");
  write_text(done / "onsets.json",
             "{\"structure_onset\": 1200, \"capabilities_onset\": 3400, \"blimp_onset\": null,\n"
             " \"loss_drop_onset\": 900,\n"
             " \"smoothing\": {\"kernel\": \"gaussian\", \"sigma_points\": 1.0}, \"points\": 9}\n");
  write_text(done / "exit_status", "0 7 2026-01-01T00:00:00Z\n");
  return spec;
}

TEST(SweepReport, FinalAndBestPerRun) {
  TempDir dir;
  const SweepReport report = build_report(fake_sweep(dir), std::time(nullptr) + 1000);
  EXPECT_EQ(report.axis_keys, (std::vector<std::string>{"sas.schedule.0.until", "run.seed"}));
  ASSERT_EQ(report.rows.size(), 2u);
  const ReportRow& r = report.rows[0];
  EXPECT_EQ(r.name, "until0_seed1");
  EXPECT_EQ(r.status.state, RunState::kDone);
  EXPECT_DOUBLE_EQ(r.metrics.at("final_mlm_loss"), 4.75);
  EXPECT_DOUBLE_EQ(r.metrics.at("best_mlm_loss"), 4.5);
  EXPECT_DOUBLE_EQ(r.metrics.at("final_sas_loss"), 0.1);
  EXPECT_DOUBLE_EQ(r.metrics.at("final_dev_loss"), 4.4);  // eval.jsonl's step 50 comes last
  EXPECT_DOUBLE_EQ(r.metrics.at("best_dev_loss"), 4.4);
  EXPECT_DOUBLE_EQ(r.metrics.at("final_uas"), 0.35);
  EXPECT_DOUBLE_EQ(r.metrics.at("best_uas"), 0.35);
  EXPECT_DOUBLE_EQ(r.metrics.at("final_blimp"), 0.6);
  EXPECT_DOUBLE_EQ(r.metrics.at("best_blimp"), 0.6);
  EXPECT_DOUBLE_EQ(r.metrics.at("structure_onset"), 1200);
  EXPECT_DOUBLE_EQ(r.metrics.at("capabilities_onset"), 3400);
  EXPECT_EQ(r.metrics.count("blimp_onset"), 0u);  // null: not found
  EXPECT_EQ(r.metrics.count("points"), 0u);
  EXPECT_EQ(report.rows[1].status.state, RunState::kPlanned);
  EXPECT_TRUE(report.rows[1].metrics.empty());
}

TEST(SweepReport, CsvHasEveryColumnAndEmptyCells) {
  TempDir dir;
  const std::string csv = report_csv(build_report(fake_sweep(dir), std::time(nullptr) + 1000));
  EXPECT_EQ(csv,
            "run,state,step,sas.schedule.0.until,run.seed,final_mlm_loss,best_mlm_loss,final_sas_loss,"
            "final_dev_loss,best_dev_loss,final_uas,best_uas,final_blimp,best_blimp,structure_onset,"
            "capabilities_onset,blimp_onset,loss_drop_onset\n"
            "until0_seed1,done,40,0,1,4.75,4.5,0.1,4.4,4.4,0.35,0.35,0.6,0.6,1200,3400,,900\n"
            "until3000_seed1,planned,0,3000,1,,,,,,,,,,,,,\n");
}

TEST(SweepReport, MarkdownLeavesOutEmptyColumns) {
  TempDir dir;
  SweepSpec spec = fake_sweep(dir);
  fs::remove(dir / "out" / "until0_seed1" / "onsets.json");
  const std::string md = report_markdown(build_report(spec, std::time(nullptr) + 1000));
  EXPECT_CONTAINS(md, "| run | state | step | sas.schedule.0.until | run.seed | final_mlm_loss |");
  EXPECT_CONTAINS(md, "| until0_seed1 | done | 40 | 0 | 1 | 4.75 | 4.5 |");
  EXPECT_CONTAINS(md, "| until3000_seed1 | planned | 0 | 3000 | 1 |");
  EXPECT_EQ(md.find("onset"), std::string::npos);
}

TEST(SweepReport, MalformedOnsetsAreNamed) {
  TempDir dir;
  SweepSpec spec = fake_sweep(dir);
  write_text(dir / "out" / "until0_seed1" / "onsets.json", "{\"structure_onset\": ");
  EXPECT_CONTAINS(error_of([&] { build_report(spec, std::time(nullptr)); }), "onsets.json: malformed JSON");
}

}  // namespace
}  // namespace sasmlm::test
