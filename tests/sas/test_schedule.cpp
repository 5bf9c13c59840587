#include "sasmlm/sas/schedule.h"

#include "sasmlm/core/error.h"

#include <gtest/gtest.h>

namespace sasmlm {
namespace {

SasWindow window(std::optional<int64_t> until, double lambda, std::optional<double> ramp_to = std::nullopt) {
  SasWindow w;
  w.until = until;
  w.lambda = lambda;
  w.ramp_to = ramp_to;
  return w;
}

TEST(LambdaSchedule, EmptyIsZeroEverywhere) {
  LambdaSchedule schedule;
  EXPECT_EQ(schedule.at(0), 0.0);
  EXPECT_EQ(schedule.at(123456789), 0.0);
  EXPECT_FALSE(schedule.ever_nonzero());
  EXPECT_FALSE(LambdaSchedule(std::vector<SasWindow>{}).ever_nonzero());
}

TEST(LambdaSchedule, SingleFinalWindowIsConstant) {
  LambdaSchedule schedule({window(std::nullopt, -0.002)});
  EXPECT_EQ(schedule.at(0), -0.002);
  EXPECT_EQ(schedule.at(1000000), -0.002);
  EXPECT_TRUE(schedule.ever_nonzero());
}

TEST(LambdaSchedule, StepEqualToUntilBelongsToTheNextWindow) {
  LambdaSchedule schedule({window(3000, 0.001), window(5000, -0.5), window(std::nullopt, 0.0)});
  EXPECT_EQ(schedule.at(0), 0.001);
  EXPECT_EQ(schedule.at(2999), 0.001);
  EXPECT_EQ(schedule.at(3000), -0.5);
  EXPECT_EQ(schedule.at(4999), -0.5);
  EXPECT_EQ(schedule.at(5000), 0.0);
  EXPECT_EQ(schedule.at(99999), 0.0);
  EXPECT_TRUE(schedule.ever_nonzero());
}

TEST(LambdaSchedule, RampIsLinearFromWindowStartTowardsUntil) {
  // Window [100, 300) ramps 0.01 -> 0.03; lambda(t) = 0.01 + 0.02 * (t - 100) / 200.
  LambdaSchedule schedule({window(100, 0.0), window(300, 0.01, 0.03), window(std::nullopt, 0.03)});
  EXPECT_EQ(schedule.at(99), 0.0);
  EXPECT_DOUBLE_EQ(schedule.at(100), 0.01);
  EXPECT_DOUBLE_EQ(schedule.at(200), 0.02);
  EXPECT_DOUBLE_EQ(schedule.at(250), 0.025);
  EXPECT_DOUBLE_EQ(schedule.at(299), 0.01 + 0.02 * 199.0 / 200.0);
  EXPECT_EQ(schedule.at(300), 0.03);  // continuous: the next window starts at ramp_to
}

TEST(LambdaSchedule, FirstWindowRampStartsAtStepZero) {
  LambdaSchedule schedule({window(10, 1.0, 0.0), window(std::nullopt, 0.0)});
  EXPECT_DOUBLE_EQ(schedule.at(0), 1.0);
  EXPECT_DOUBLE_EQ(schedule.at(5), 0.5);
  EXPECT_DOUBLE_EQ(schedule.at(9), 0.1);
  EXPECT_EQ(schedule.at(10), 0.0);
}

TEST(LambdaSchedule, EverNonzeroSeesRampTargets) {
  EXPECT_TRUE(LambdaSchedule({window(10, 0.0, 0.5), window(std::nullopt, 0.0)}).ever_nonzero());
  EXPECT_FALSE(LambdaSchedule({window(10, 0.0, 0.0), window(std::nullopt, 0.0)}).ever_nonzero());
  EXPECT_FALSE(LambdaSchedule({window(10, 0.0), window(20, 0.0), window(std::nullopt, 0.0)}).ever_nonzero());
}

TEST(LambdaSchedule, MalformedSchedulesAreInvariantViolations) {
  // The config loader rejects these with UserError; reaching the schedule with them is a bug.
  EXPECT_THROW(LambdaSchedule({window(10, 0.1)}), InternalError);                                // last has until
  EXPECT_THROW(LambdaSchedule({window(std::nullopt, 0.1), window(std::nullopt, 0.0)}), InternalError);
  EXPECT_THROW(LambdaSchedule({window(std::nullopt, 0.1, 0.0)}), InternalError);                 // final ramp
  EXPECT_THROW(LambdaSchedule({window(20, 0.1), window(20, 0.2), window(std::nullopt, 0.0)}), InternalError);
  EXPECT_THROW(LambdaSchedule({window(0, 0.1), window(std::nullopt, 0.0)}), InternalError);     // empty window
  EXPECT_THROW(LambdaSchedule({window(std::nullopt, std::nan(""))}), InternalError);
  LambdaSchedule ok({window(std::nullopt, 0.1)});
  EXPECT_THROW(ok.at(-1), InternalError);
}

}  // namespace
}  // namespace sasmlm
