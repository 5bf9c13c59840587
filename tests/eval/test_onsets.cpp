#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "sasmlm/core/error.h"
#include "sasmlm/eval/onsets.h"

namespace sasmlm {
namespace {

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// The second derivative of sigmoid((s - centre) / width) peaks at centre - w* and bottoms at centre + w*,
// w* = width * ln(2 + sqrt(3)).
const double kAccelerationOffset = std::log(2.0 + std::sqrt(3.0));

TEST(Onsets, SigmoidOnEvenSteps) {
  std::vector<int64_t> steps;
  std::vector<double> uas, blimp;
  for (int64_t s = 0; s <= 10000; s += 100) {
    steps.push_back(s);
    uas.push_back(0.2 + 0.5 * sigmoid((double(s) - 5000) / 500));
    blimp.push_back(0.55 + 0.2 * sigmoid((double(s) - 7000) / 800));
  }
  const Onsets onsets = find_onsets(steps, uas, blimp);
  ASSERT_TRUE(onsets.structure && onsets.capabilities && onsets.blimp);
  EXPECT_NEAR(double(*onsets.structure), 5000 - 500 * kAccelerationOffset, 150);
  EXPECT_NEAR(double(*onsets.capabilities), 5000 + 500 * kAccelerationOffset, 150);
  EXPECT_NEAR(double(*onsets.blimp), 7000 - 800 * kAccelerationOffset, 150);
  EXPECT_EQ(onsets.points, int64_t(steps.size()));
}

TEST(Onsets, SigmoidOnUnevenSteps) {
  // Denser early checkpoints, as checkpoint.at schedules often are: spacing grows from 10 to ~400 steps.
  std::vector<int64_t> steps;
  std::vector<double> uas;
  for (double s = 10; s <= 12000; s = std::max(s + 10, s * 1.06)) {
    steps.push_back(int64_t(std::lround(s)));
    uas.push_back(0.3 + 0.4 * sigmoid((double(steps.back()) - 3000) / 400));
  }
  const Onsets onsets = find_onsets(steps, uas, {});
  ASSERT_TRUE(onsets.structure && onsets.capabilities);
  EXPECT_FALSE(onsets.blimp);
  EXPECT_NEAR(double(*onsets.structure), 3000 - 400 * kAccelerationOffset, 250);
  EXPECT_NEAR(double(*onsets.capabilities), 3000 + 400 * kAccelerationOffset, 250);
}

TEST(Onsets, NoAccelerationNoPlateauShortSeries) {
  std::vector<int64_t> steps;
  std::vector<double> concave, rising;
  for (int64_t s = 0; s < 20; ++s) {
    steps.push_back(100 * s);
    concave.push_back(1.0 - std::exp(-double(s) / 4));  // decelerates from the start: no onset
    rising.push_back(std::exp(double(s) / 4));            // accelerates to the end: no plateau
  }
  Onsets onsets = find_onsets(steps, concave, concave);
  EXPECT_FALSE(onsets.structure);
  EXPECT_FALSE(onsets.capabilities);
  EXPECT_FALSE(onsets.blimp);

  onsets = find_onsets(steps, rising, {});
  ASSERT_TRUE(onsets.structure);
  EXPECT_FALSE(onsets.capabilities);

  const std::vector<int64_t> four = {0, 10, 20, 30};
  onsets = find_onsets(four, {0.1, 0.1, 0.5, 0.6}, {0.5, 0.5, 0.6, 0.6});
  EXPECT_FALSE(onsets.structure || onsets.capabilities || onsets.blimp);
  EXPECT_EQ(onsets.points, 4);
  onsets = find_onsets({}, {}, {});
  EXPECT_FALSE(onsets.structure);

  std::vector<double> with_nan = rising;
  with_nan[3] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(find_onsets(steps, with_nan, {}).structure);
}

TEST(Onsets, BadSeriesAreUserErrors) {
  EXPECT_THROW(find_onsets({0, 10, 10, 20, 30}, {0, 0, 0, 0, 0}, {}), UserError);
  EXPECT_THROW(find_onsets({0, 20, 10, 30, 40}, {0, 0, 0, 0, 0}, {}), UserError);
  EXPECT_THROW(find_onsets({0, 10, 20}, {0, 0}, {}), UserError);
  EXPECT_THROW(find_onsets({0, 10, 20}, {0, 0, 0}, {0, 0}), UserError);
}

TEST(Onsets, SecondDerivativeIsExactForQuadraticsOnUnevenSteps) {
  const std::vector<int64_t> steps = {0, 1, 3, 4, 10, 11, 30};
  std::vector<double> values;
  for (int64_t s : steps) values.push_back(3.0 * double(s * s) - 2.0 * double(s) + 1.0);
  const std::vector<double> a = second_derivative(steps, values);
  ASSERT_EQ(a.size(), steps.size());
  EXPECT_TRUE(std::isnan(a.front()));
  EXPECT_TRUE(std::isnan(a.back()));
  for (size_t i = 1; i + 1 < a.size(); ++i) EXPECT_NEAR(a[i], 6.0, 1e-9) << i;
}

TEST(Onsets, FirstDerivativeIsExactForQuadraticsOnUnevenSteps) {
  const std::vector<int64_t> steps = {0, 1, 3, 4, 10, 11, 30};
  std::vector<double> values;
  for (int64_t s : steps) values.push_back(3.0 * double(s * s) - 2.0 * double(s) + 1.0);
  const std::vector<double> v = first_derivative(steps, values);
  ASSERT_EQ(v.size(), steps.size());
  EXPECT_TRUE(std::isnan(v.front()));
  EXPECT_TRUE(std::isnan(v.back()));
  for (size_t i = 1; i + 1 < v.size(); ++i) EXPECT_NEAR(v[i], 6.0 * double(steps[i]) - 2.0, 1e-9) << i;
}

// A loss that falls fast from initialisation, plateaus, then drops again (the paper's loss drop): the onset is
// the second drop's steepest point, not the start.
TEST(Onsets, LossDropIsTheSteepestLocalFallNotTheInitialDecline) {
  for (const bool uneven : {false, true}) {
    std::vector<int64_t> steps;
    std::vector<double> loss;
    for (double s = 10; s <= 10000; s = uneven ? std::max(s + 20, s * 1.04) : s + 100) {
      steps.push_back(int64_t(std::lround(s)));
      const double x = double(steps.back());
      loss.push_back(3.0 + 4.0 * std::exp(-x / 300) - 1.5 * sigmoid((x - 5000) / 400));
    }
    const std::optional<int64_t> drop = find_loss_drop(steps, loss);
    ASSERT_TRUE(drop) << "uneven " << uneven;
    EXPECT_NEAR(double(*drop), 5000, uneven ? 300 : 150) << "uneven " << uneven;
  }
}

// A run's dev records as the trainer writes them, shuffled and noisy: a loss plateau that drops around step 3000 while
// UAS rises there; both detectors land within two evaluations of the known onsets.
TEST(Onsets, FromNoisyDevRecordsWithKnownOnsets) {
  std::vector<nlohmann::json> records;
  uint64_t state = 12345;
  auto noise = [&state] {  // deterministic, in [-0.5, 0.5)
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return double(state >> 11) / double(1ULL << 53) - 0.5;
  };
  for (int64_t s = 100; s <= 6000; s += 100) {
    const double x = double(s);
    records.push_back({{"step", s}, {"split", "dev"},
                       {"mlm_loss", 4.5 + 0.8 * std::exp(-x / 300) - 2.0 * sigmoid((x - 3000) / 300) + 0.01 * noise()},
                       {"uas", 0.2 + 0.3 * sigmoid((x - 3000) / 300) + 0.004 * noise()},
                       {"blimp", {{"overall", 0.5 + 0.2 * sigmoid((x - 4000) / 300) + 0.004 * noise()}}}});
  }
  std::reverse(records.begin(), records.end());
  const Onsets onsets = onsets_from_records(records);
  ASSERT_TRUE(onsets.structure && onsets.loss_drop && onsets.blimp);
  EXPECT_NEAR(double(*onsets.structure), 3000 - 300 * kAccelerationOffset, 200);
  EXPECT_NEAR(double(*onsets.loss_drop), 3000, 200);
  EXPECT_NEAR(double(*onsets.blimp), 4000 - 300 * kAccelerationOffset, 200);
  EXPECT_EQ(onsets.points, 60);

  // A resumed run evaluates a replayed step again: the later record counts, the step is one point.
  std::vector<nlohmann::json> resumed = records;
  nlohmann::json replay = records[0];  // step 6000 (records are reversed)
  replay["uas"] = 0.9;
  resumed.push_back(replay);
  const Onsets with_replay = onsets_from_records(resumed);
  EXPECT_EQ(with_replay.points, 60);
  const std::vector<nlohmann::json> same_step = {records[0], replay};
  EXPECT_EQ(onsets_from_records(same_step).points, 1);

  // Records without probes (MLM loss only) still give the loss drop; no structure onset without UAS.
  for (auto& r : records) r.erase("uas");
  const Onsets loss_only = onsets_from_records(records);
  EXPECT_FALSE(loss_only.structure);
  EXPECT_FALSE(loss_only.blimp);
  ASSERT_TRUE(loss_only.loss_drop);
  EXPECT_EQ(*loss_only.loss_drop, *onsets.loss_drop);
}

TEST(Onsets, NoLossDropWhenTheLossOnlySlowsDown) {
  std::vector<int64_t> steps;
  std::vector<double> decay;
  for (int64_t s = 0; s < 40; ++s) {
    steps.push_back(250 * s);
    decay.push_back(2.0 + 5.0 * std::exp(-double(s) / 6));
  }
  EXPECT_FALSE(find_loss_drop(steps, decay));
  EXPECT_FALSE(find_loss_drop({0, 10, 20, 30}, {5, 4, 2, 1.9}));  // too few points
  EXPECT_THROW(find_loss_drop({0, 10, 10, 20, 30}, {5, 4, 3, 2, 1}), UserError);
  EXPECT_THROW(find_loss_drop({0, 10, 20}, {5, 4}), UserError);
  Onsets onsets;
  onsets.loss_drop = 1234;
  EXPECT_EQ(onsets_to_json(onsets)["loss_drop_onset"], 1234);
  EXPECT_TRUE(onsets_to_json(Onsets{})["loss_drop_onset"].is_null());
}

TEST(Onsets, SmoothingKeepsConstantsAndLines) {
  const std::vector<double> constant(9, 0.7);
  for (double v : smooth_series(constant, 1.5)) EXPECT_NEAR(v, 0.7, 1e-12);
  std::vector<double> line;
  for (int i = 0; i < 20; ++i) line.push_back(0.1 * i);
  const std::vector<double> smoothed = smooth_series(line, 1.0);
  for (size_t i = 0; i < line.size(); ++i) EXPECT_NEAR(smoothed[i], line[i], 1e-12);  // ends included
  EXPECT_EQ(smooth_series(line, 0.0), line);
  const std::vector<double> spike = {0, 0, 0, 1, 0, 0, 0};
  const std::vector<double> spread = smooth_series(spike, 1.0);
  EXPECT_LT(spread[3], 1.0);
  EXPECT_GT(spread[2], 0.0);
  EXPECT_NEAR(spread[2], spread[4], 1e-12);
}

TEST(Onsets, Json) {
  Onsets onsets;
  onsets.structure = 1200;
  onsets.points = 12;
  const nlohmann::json json = onsets_to_json(onsets);
  EXPECT_EQ(json.at("structure_onset").get<int64_t>(), 1200);
  EXPECT_TRUE(json.at("capabilities_onset").is_null());
  EXPECT_TRUE(json.at("blimp_onset").is_null());
  EXPECT_EQ(json.at("smoothing").at("kernel").get<std::string>(), "gaussian");
  EXPECT_DOUBLE_EQ(json.at("smoothing").at("sigma_points").get<double>(), kDefaultOnsetSigma);
  EXPECT_EQ(json.at("points").get<int64_t>(), 12);
}

}  // namespace
}  // namespace sasmlm
