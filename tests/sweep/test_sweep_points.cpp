#include "sasmlm/sweep/sweep_points.h"
#include "sweep_test_util.h"

namespace sasmlm::test {
namespace {

std::vector<std::string> names_of(const std::vector<SweepPoint>& points) {
  std::vector<std::string> names;
  for (const auto& p : points) names.push_back(p.name);
  return names;
}

SweepSpec spec_of(const std::string& axes) { return parse_sweep("base: b.yaml\nout: /tmp/o\n" + axes, "sw.yaml"); }

TEST(SweepPoints, GridIsCartesianFirstAxisSlowest) {
  const auto points = expand_sweep(spec_of("grid:\n  sas.schedule.0.until: [0, 3000]\n  run.seed: [1, 2, 3]\n"));
  ASSERT_EQ(points.size(), 6u);
  EXPECT_EQ(names_of(points), (std::vector<std::string>{"until0_seed1", "until0_seed2", "until0_seed3",
                                                        "until3000_seed1", "until3000_seed2", "until3000_seed3"}));
  for (size_t i = 0; i < points.size(); ++i) EXPECT_EQ(points[i].index, i);
  EXPECT_EQ(points[4].values,
            (std::vector<std::pair<std::string, std::string>>{{"sas.schedule.0.until", "3000"}, {"run.seed", "2"}}));
}

TEST(SweepPoints, ZipPairsValuesAndCrossesTheGrid) {
  const auto points = expand_sweep(
      spec_of("grid: {run.seed: [1, 2]}\nzip: {sas.schedule.0.lambda: [0.001, -0.01], trainer.lr: [1e-3, 5e-4]}\n"));
  EXPECT_EQ(names_of(points), (std::vector<std::string>{"seed1_lam0.001_lr1e-3", "seed1_lam-0.01_lr5e-4",
                                                        "seed2_lam0.001_lr1e-3", "seed2_lam-0.01_lr5e-4"}));
  EXPECT_EQ(describe_point(points[1]), "run.seed=1, sas.schedule.0.lambda=-0.01, trainer.lr=5e-4");
}

TEST(SweepPoints, ZipAloneGivesOnePointPerTuple) {
  const auto points = expand_sweep(spec_of("zip: {run.seed: [1, 2, 3], trainer.max_steps: [10, 20, 30]}\n"));
  EXPECT_EQ(names_of(points),
            (std::vector<std::string>{"seed1_max-steps10", "seed2_max-steps20", "seed3_max-steps30"}));
}

TEST(SweepPoints, WordValuesAndOddCharactersStayReadable) {
  const auto points =
      expand_sweep(spec_of("grid: {sas.variant: [max, random_arcs], data.train: [[a/x.conllu, b.conllu]]}\n"));
  EXPECT_EQ(names_of(points), (std::vector<std::string>{"variant-max_train-a-x.conllu-b.conllu",
                                                        "variant-random-arcs_train-a-x.conllu-b.conllu"}));
}

TEST(SweepPoints, SharedLabelsUseTheLongerKey) {
  const auto points =
      expand_sweep(spec_of("grid: {sas.schedule.0.until: [100], sas.schedule.1.until: [200], run.seed: [1]}\n"));
  EXPECT_EQ(names_of(points), (std::vector<std::string>{"schedule0until100_schedule1until200_seed1"}));
}

TEST(SweepPoints, TemplateNamesRuns) {
  const auto points =
      expand_sweep(spec_of("name: \"k{sas.schedule.0.until}-s{run.seed}-{index}\"\ngrid: {sas.schedule.0.until: [0, "
                           "1500], run.seed: [7]}\n"));
  EXPECT_EQ(names_of(points), (std::vector<std::string>{"k0-s7-0", "k1500-s7-1"}));
}

TEST(SweepPoints, TemplateErrors) {
  EXPECT_CONTAINS(error_of([] { expand_sweep(spec_of("name: \"a{trainer.lr}\"\ngrid: {run.seed: [1]}\n")); }),
                  "the template names {trainer.lr}, which is not an axis (axes: run.seed; or {index})");
  EXPECT_CONTAINS(error_of([] { expand_sweep(spec_of("name: \"a{run.seed\"\ngrid: {run.seed: [1]}\n")); }),
                  "unclosed '{'");
  EXPECT_CONTAINS(error_of([] { expand_sweep(spec_of("name: \"a/{run.seed}\"\ngrid: {run.seed: [1]}\n")); }),
                  "run name 'a/1' is not a usable directory name");
}

TEST(SweepPoints, DuplicateNamesAreAnErrorNamingBothPoints) {
  // Without {run.seed} in the template, the two seeds collide.
  const std::string message = error_of(
      [] { expand_sweep(spec_of("name: \"lr{trainer.lr}\"\ngrid: {trainer.lr: [0.1], run.seed: [1, 2]}\n")); });
  EXPECT_CONTAINS(message,
                  "duplicate run name 'lr0.1' for points 0 (trainer.lr=0.1, run.seed=1) and 1 "
                  "(trainer.lr=0.1, run.seed=2)");
  // Values that differ only in characters a name cannot hold collide too.
  EXPECT_CONTAINS(error_of([] { expand_sweep(spec_of("grid: {data.train: [[a_b.conllu], [a b.conllu]]}\n")); }),
                  "duplicate run name 'train-a-b.conllu'");
}

}  // namespace
}  // namespace sasmlm::test
