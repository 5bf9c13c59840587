#include "sweep_test_util.h"

namespace sasmlm::test {
namespace {

std::string parse_error(const std::string& yaml) {
  return error_of([&] { parse_sweep(yaml, "sw.yaml"); });
}

TEST(SweepFile, ReadsEveryKey) {
  const SweepSpec spec = parse_sweep(
      "base: configs/base.yaml\nout: /tmp/sw\nname: \"s{run.seed}\"\n"
      "grid:\n  sas.schedule.0.until: [0, 1500, 3000]\n  run.seed: [1, 2]\n"
      "zip: {trainer.lr: [1e-3, 5e-4], data.train: [[a.conllu], [b.conllu, 'c d.conllu']]}\n"
      "slurm: {partition: gpu, account: lab, nodes: 2, gpus_per_node: 4, cpus_per_task: 8, mem: 64G,\n"
      "        time: '24:00:00', signal_seconds: 300, extra: ['--qos=high', '#SBATCH --exclusive']}\n",
      "dir/sw.yaml");
  EXPECT_EQ(spec.base, "dir/configs/base.yaml");
  EXPECT_EQ(spec.out, "/tmp/sw");
  EXPECT_EQ(spec.name_template, "s{run.seed}");
  ASSERT_EQ(spec.grid.size(), 2u);
  EXPECT_EQ(spec.grid[0].key, "sas.schedule.0.until");
  EXPECT_EQ(spec.grid[0].values, (std::vector<std::string>{"0", "1500", "3000"}));
  EXPECT_EQ(spec.grid[0].line, 5);
  ASSERT_EQ(spec.zip.size(), 2u);
  EXPECT_EQ(spec.zip[0].values, (std::vector<std::string>{"1e-3", "5e-4"}));
  EXPECT_EQ(spec.zip[1].values[0], "[a.conllu]");
  EXPECT_EQ(spec.zip[1].values[1], "[b.conllu, c d.conllu]");
  EXPECT_EQ(spec.slurm.partition, "gpu");
  EXPECT_EQ(spec.slurm.account, "lab");
  EXPECT_EQ(spec.slurm.nodes, 2);
  EXPECT_EQ(spec.slurm.gpus_per_node, 4);
  EXPECT_EQ(spec.slurm.cpus_per_task, 8);
  EXPECT_EQ(spec.slurm.mem, "64G");
  EXPECT_EQ(spec.slurm.time, "24:00:00");
  EXPECT_EQ(spec.slurm.signal_seconds, 300);
  EXPECT_EQ(spec.slurm.extra, (std::vector<std::string>{"--qos=high", "#SBATCH --exclusive"}));
  EXPECT_EQ(spec.slurm.job_name, "sw");
}

TEST(SweepFile, OutIsAbsoluteAndDefaultsApply) {
  const SweepSpec spec = parse_sweep("base: b.yaml\nout: rel/out/\ngrid: {run.seed: [1]}\n", "sw.yaml");
  EXPECT_TRUE(std::filesystem::path(spec.out).is_absolute());
  EXPECT_EQ(std::filesystem::path(spec.out).filename(), "out");
  EXPECT_EQ(spec.slurm.nodes, 1);
  EXPECT_EQ(spec.slurm.gpus_per_node, 0);
  EXPECT_EQ(spec.slurm.signal_seconds, 120);
}

TEST(SweepFile, EmptyAxisIsAnError) {
  EXPECT_CONTAINS(parse_error("base: b.yaml\nout: o\ngrid:\n  run.seed: []\n"),
                  "sw.yaml:4: grid.run.seed: the axis has no values");
}

TEST(SweepFile, ZipLengthsMustMatch) {
  EXPECT_CONTAINS(parse_error("base: b.yaml\nout: o\nzip:\n  run.seed: [1, 2]\n  trainer.lr: [0.1]\n"),
                  "sw.yaml:5: zip.trainer.lr: 1 values, but zip.run.seed has 2");
}

TEST(SweepFile, StructuralErrorsNameTheKey) {
  EXPECT_CONTAINS(parse_error("out: o\ngrid: {run.seed: [1]}\n"), "base: missing");
  EXPECT_CONTAINS(parse_error("base: b.yaml\ngrid: {run.seed: [1]}\n"), "out: missing");
  EXPECT_CONTAINS(parse_error("base: b.yaml\nout: o\n"), "no axes");
  EXPECT_CONTAINS(parse_error("base: b.yaml\nout: o\ngird: {run.seed: [1]}\n"), "sw.yaml:3: gird: unknown key");
  EXPECT_CONTAINS(parse_error("base: b.yaml\nout: o\ngrid: {run.seed: 1}\n"),
                  "grid.run.seed: expected a list of values, got '1'");
  EXPECT_CONTAINS(parse_error("base: b.yaml\nout: o\ngrid: [run.seed]\n"), "grid: expected a map");
  EXPECT_CONTAINS(parse_error("base: b.yaml\nout: o\ngrid: {run.seed: [1]}\nzip: {run.seed: [2]}\n"),
                  "run.seed: the key is swept twice");
  EXPECT_CONTAINS(parse_error("base: b.yaml\nout: o\ngrid: {run.dir: [a, b]}\n"), "run.dir is set by the sweep");
  EXPECT_CONTAINS(parse_error("base: b.yaml\nout: o\ngrid: {trainer..lr: [1]}\n"), "expected a dotted config key");
  EXPECT_CONTAINS(parse_error("base: b.yaml\nout: o\ngrid: {run.seed: [1]}\nslurm: {gpus: 4}\n"),
                  "sw.yaml:4: slurm.gpus: unknown key");
  EXPECT_CONTAINS(parse_error("base: b.yaml\nout: o\ngrid: {run.seed: [1]}\nslurm: {nodes: 0}\n"),
                  "slurm.nodes: must be >= 1, got 0");
  EXPECT_CONTAINS(parse_error("base: b.yaml\nout: o\ngrid: {run.seed: [1]}\nslurm: {nodes: two}\n"),
                  "slurm.nodes: expected an integer, got 'two'");
  EXPECT_CONTAINS(parse_error("base: [b.yaml\n"), "malformed YAML");
  // A second document was silently dropped before sweep files went through load_yaml_document.
  EXPECT_CONTAINS(parse_error("base: b.yaml\nout: o\n---\ngrid: {run.seed: [1]}\n"),
                  "sw.yaml:3: expected one YAML document, found 2");
  EXPECT_CONTAINS(parse_error(", base: b.yaml\n"), "sw.yaml:1: malformed YAML: unexpected ','");
}

TEST(SweepFile, MissingFileIsNamed) {
  EXPECT_CONTAINS(error_of([] { load_sweep_file("/nonexistent/sw.yaml"); }),
                  "sweep file not found: /nonexistent/sw.yaml");
}

}  // namespace
}  // namespace sasmlm::test
