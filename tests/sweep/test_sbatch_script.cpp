#include "sasmlm/sweep/sbatch_script.h"
#include "sweep_test_util.h"

namespace sasmlm::test {
namespace {

TEST(SbatchScript, ArrayResourcesPreemptionAndLaunch) {
  const SweepSpec spec = parse_sweep(
      "base: b.yaml\nout: /data/sw1\ngrid: {run.seed: [1, 2, 3]}\n"
      "slurm: {partition: gpu, account: lab, nodes: 2, gpus_per_node: 4, cpus_per_task: 8, mem: 64G,\n"
      "        time: '24:00:00', signal_seconds: 300, extra: ['--qos=high', '#SBATCH --exclusive']}\n",
      "sw.yaml");
  const std::string s = sbatch_script(spec, expand_sweep(spec), {"/opt/bin/sasmlm", "/home/me/project"});
  EXPECT_EQ(s.rfind("#!/bin/bash\n", 0), 0u);
  for (const char* line : {"#SBATCH --job-name=sw1\n",
                           "#SBATCH --array=0-2\n",
                           "#SBATCH --nodes=2\n",
                           "#SBATCH --ntasks-per-node=4\n",
                           "#SBATCH --gpus-per-node=4\n",
                           "#SBATCH --cpus-per-task=8\n",
                           "#SBATCH --mem=64G\n",
                           "#SBATCH --time=24:00:00\n",
                           "#SBATCH --partition=gpu\n",
                           "#SBATCH --account=lab\n",
                           "#SBATCH --signal=USR1@300\n",
                           "#SBATCH --requeue\n",
                           "#SBATCH --open-mode=append\n",
                           "#SBATCH --chdir=/home/me/project\n",
                           "#SBATCH --output=/data/sw1/logs/%x_%A_%a.out\n",
                           "#SBATCH --qos=high\n",
                           "#SBATCH --exclusive\n",
                           "SASMLM='/opt/bin/sasmlm'\n",
                           "OUT='/data/sw1'\n",
                           "RUNS=('seed1' 'seed2' 'seed3')\n",
                           "RUN=\"${RUNS[$SLURM_ARRAY_TASK_ID]}\"\n",
                           "srun --kill-on-bad-exit=1 --cpus-per-task=8 \"$SASMLM\" train --config "
                           "\"$RUN_DIR/config.yaml\" --resume auto\n",
                           "echo \"$rc $SLURM_JOB_ID $(date -u +%FT%TZ)\" > \"$RUN_DIR/exit_status\"\n",
                           "if [ \"$rc\" -eq 75 ]; then\n",
                           "  scontrol requeue \"$SLURM_JOB_ID\"",
                           "exit \"$rc\"\n"}) {
    EXPECT_CONTAINS(s, line);
  }
  // USR1 goes to the job steps (the trainer under srun), not only to the batch shell.
  EXPECT_EQ(s.find("B:USR1"), std::string::npos);
  // Every #SBATCH line comes before the first command, or sbatch ignores it.
  EXPECT_LT(s.rfind("#SBATCH"), s.find("\nset -u"));
}

TEST(SbatchScript, CpuJobsOmitGpusAndDefaults) {
  const SweepSpec spec = parse_sweep("base: b.yaml\nout: /d/o\ngrid: {run.seed: [1]}\n", "sw.yaml");
  const std::string s = sbatch_script(spec, expand_sweep(spec), {"/b/sasmlm", "/w"});
  EXPECT_CONTAINS(s, "#SBATCH --array=0-0\n");
  EXPECT_CONTAINS(s, "#SBATCH --ntasks-per-node=1\n");
  EXPECT_CONTAINS(s, "#SBATCH --signal=USR1@120\n");
  for (const char* absent : {"--gpus-per-node", "--mem", "--time", "--partition", "--account"}) {
    EXPECT_EQ(s.find(absent), std::string::npos) << absent;
  }
}

TEST(SbatchScript, PathsAreQuotedForTheShell) {
  const SweepSpec spec = parse_sweep("base: b.yaml\nout: \"/d/it's here\"\ngrid: {run.seed: [1]}\n", "sw.yaml");
  const std::string s = sbatch_script(spec, expand_sweep(spec), {"/b/sas mlm", "/w d"});
  EXPECT_CONTAINS(s, "OUT='/d/it'\\''s here'\n");
  EXPECT_CONTAINS(s, "SASMLM='/b/sas mlm'\n");
  EXPECT_CONTAINS(s, "#SBATCH --chdir=\"/w d\"\n");
}

TEST(SbatchScript, ShellQuoteKeepsEveryCharacterLiteral) {
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(shell_quote("/a b/$HOME;*"), "'/a b/$HOME;*'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
}

TEST(SbatchScript, ArrayRange) {
  EXPECT_EQ(array_range({0, 1, 2, 3}), "0-3");
  EXPECT_EQ(array_range({1, 3}), "1,3");
  EXPECT_EQ(array_range({0, 2, 3, 4, 7, 9, 10}), "0,2-4,7,9-10");
  EXPECT_EQ(array_range({5}), "5");
}

}  // namespace
}  // namespace sasmlm::test
