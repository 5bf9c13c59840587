// configs/paper/release_sweep.yaml: the suppression window k in {0, 1k, 3k, 10k, the whole run} x 3 seeds resolves
// to 15 valid BERT-base configs with readable, unique run names, ready for `sasmlm sweep plan --submit`.
#include <gtest/gtest.h>

#include <set>

#include "sasmlm/sweep/sweep_config.h"
#include "sasmlm/sweep/sweep_file.h"
#include "sasmlm/sweep/sweep_points.h"

namespace sasmlm {
namespace {

TEST(ReleaseSweep, FifteenPointsOfWindowsAndSeeds) {
  const SweepSpec spec = load_sweep_file(std::string(SASMLM_SOURCE_DIR) + "/configs/paper/release_sweep.yaml");
  const std::vector<ResolvedPoint> points = resolve_sweep(spec, expand_sweep(spec));
  ASSERT_EQ(points.size(), 15u);
  std::set<std::string> names;
  std::multiset<int64_t> windows;  // the step where suppression ends (0: never suppressed, -1: whole run)
  for (const ResolvedPoint& p : points) {
    names.insert(p.point.name);
    const auto& schedule = p.config.sas.schedule;
    ASSERT_FALSE(schedule.empty());
    if (schedule.size() == 1) {
      windows.insert(schedule[0].lambda == 0.0 ? 0 : -1);
    } else {
      EXPECT_DOUBLE_EQ(schedule[0].lambda, 0.064) << p.point.name;
      EXPECT_DOUBLE_EQ(schedule[1].lambda, 0.0) << p.point.name;
      windows.insert(*schedule[0].until);
    }
    EXPECT_EQ(p.config.data.max_seq_len, 512);
  }
  EXPECT_EQ(names.size(), 15u);
  for (int64_t k : {0, 1000, 3000, 10000, -1}) EXPECT_EQ(windows.count(k), 3u) << k;
  EXPECT_EQ(points.front().point.name.find('/'), std::string::npos);
}

}  // namespace
}  // namespace sasmlm
