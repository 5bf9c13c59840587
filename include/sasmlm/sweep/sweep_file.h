// The sweep file: a base config, the axes to vary, where the runs go, and the Slurm resources of each run.
//
//   base: configs/demo.yaml           # relative to the sweep file, like a config's `base:`
//   out: runs/sweep1                  # relative to the current directory, like run.dir
//   name: "until{sas.schedule.0.until}_seed{run.seed}"   # optional run-name template
//   grid: {sas.schedule.0.until: [0, 1500, 3000], run.seed: [1, 2]}     # cartesian product, first key slowest
//   zip: {sas.schedule.0.lambda: [0.001, 0.01], trainer.lr: [1e-3, 5e-4]}  # paired, equal lengths
//   slurm: {partition: gpu, account: lab, nodes: 1, gpus_per_node: 4, cpus_per_task: 8, mem: 64G,
//           time: "24:00:00", signal_seconds: 300, extra: ["--constraint=a100"]}
//
// Axis keys are dotted config keys; a number selects a list item (`sas.schedule.0.until` is the `until` of the
// first window). Values are YAML, kept as text until each point is resolved against the base config.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sasmlm {

struct SweepAxis {
  std::string key;                  // dotted config key, list items by index: "sas.schedule.0.until"
  std::vector<std::string> values;  // each value as one-line YAML ("3000", "[a.conllu]", "{lambda: 0.1}")
  int line = 0;                     // where the key is in the sweep file (1-based)
};

struct SlurmResources {
  std::string job_name;   // default: the out directory's name
  std::string partition;  // "" = the cluster's default
  std::string account;
  int64_t nodes = 1;
  int64_t gpus_per_node = 0;  // 0 = CPU jobs; else one task (rank) per GPU
  int64_t cpus_per_task = 1;
  std::string mem;                 // per node, e.g. "64G" ("" = the cluster's default)
  std::string time;                // e.g. "24:00:00" ("" = the partition's limit)
  int64_t signal_seconds = 120;    // USR1 this long before the time limit: checkpoint, exit 75, requeue
  std::vector<std::string> extra;  // more #SBATCH lines ("--constraint=a100" or "#SBATCH --qos=high")
};

struct SweepSpec {
  std::string path;             // the sweep file, as given
  std::string base;             // the base config, resolved against the sweep file's directory
  std::string out;              // output directory, absolute
  std::string name_template;    // "" = names from the axis values
  std::vector<SweepAxis> grid;  // cartesian, in file order
  std::vector<SweepAxis> zip;   // paired, in file order, all the same length
  SlurmResources slurm;
};

// Reads and checks a sweep file (structure, types, empty axes, zip lengths, a key given twice). Whether the axis
// keys exist in the config is checked when points are resolved (sweep_points.h). Throws UserError naming the file,
// line and key.
SweepSpec load_sweep_file(const std::string& path);

// The same from text (tests); `path` names it in messages and anchors `base:`.
SweepSpec parse_sweep(const std::string& yaml, const std::string& path);

}  // namespace sasmlm
