// How many CPU threads a process uses: the one rule for trainer.threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sasmlm {

// The ids of the CPUs this process may run on (its affinity mask, which Slurm and taskset set), ascending; empty
// when the mask cannot be read.
std::vector<int> allowed_cpu_ids();

// CPUs this process may run on: the size of its affinity mask, else the hardware count.
int64_t available_cpus();

// trainer.threads = 0: available_cpus() (or Slurm's --cpus-per-task) divided among the LOCAL_WORLD_SIZE processes
// torchrun started on this node. A request above available_cpus() is clamped to it with a warning naming `key`
// (hundreds of threads on a few cores make no step, they only contend).
int64_t resolve_threads(int64_t requested, const std::string& key);

// Flush subnormal floats to zero (x86 FTZ + DAZ) on the calling thread and on every thread of torch's intra-op
// pool, or restore IEEE subnormals. Why: a saturated softmax (SAS promotion, long training) underflows into
// subnormals, which x86 handles in microcode, and its backward runs ~4x slower (docs/PERFORMANCE.md). Call after
// torch::set_num_threads. Returns false where the CPU cannot flush (the mode is left unchanged).
bool set_flush_denormal(bool on);

}  // namespace sasmlm
