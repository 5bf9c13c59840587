#include "sasmlm/core/cpu_threads.h"

#include <dlfcn.h>
#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

#include <ATen/Context.h>
#include <ATen/Parallel.h>

#include "sasmlm/core/logging.h"

namespace sasmlm {

std::vector<int> allowed_cpu_ids() {
  std::vector<int> ids;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return ids;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) ids.push_back(cpu);
  }
  return ids;
}

int64_t available_cpus() {
  const std::vector<int> ids = allowed_cpu_ids();
  return std::max<int64_t>(1, ids.empty() ? int64_t(std::thread::hardware_concurrency()) : int64_t(ids.size()));
}

int64_t resolve_threads(int64_t requested, const std::string& key) {
  const int64_t cpus = available_cpus();
  if (requested > cpus) {
    log_warn(key, ": ", requested, " threads requested but this process may use ", cpus, " CPU(s); using ", cpus);
    return cpus;
  }
  if (requested > 0) return requested;
  if (const char* slurm = std::getenv("SLURM_CPUS_PER_TASK")) {
    const int64_t n = std::atoll(slurm);
    if (n > 0) return std::min(n, cpus);
  }
  int64_t local_procs = 1;
  if (const char* local = std::getenv("LOCAL_WORLD_SIZE")) local_procs = std::max<int64_t>(1, std::atoll(local));
  return std::max<int64_t>(1, cpus / local_procs);
}

namespace {

// libgomp's entry for `#pragma omp parallel` (the C ABI GCC compiles the pragma to). sasmlm is built without
// -fopenmp, so ATen's inline parallel_for would run on this thread alone; the libgomp that libtorch loaded runs a
// function on every thread of its pool through this entry.
using GompParallel = void (*)(void (*)(void*), void*, unsigned, unsigned);

void set_flush_denormal_here(void* on) { at::globalContext().setFlushDenormal(*static_cast<bool*>(on)); }

}  // namespace

bool set_flush_denormal(bool on) {
  if (!at::globalContext().setFlushDenormal(on)) return false;
  // The mode lives in each thread's MXCSR register. Pool threads started later inherit it from this one; threads
  // already started (an earlier op, an earlier run in the same process) are set through one parallel region.
  if (auto gomp = reinterpret_cast<GompParallel>(dlsym(RTLD_DEFAULT, "GOMP_parallel"))) {
    gomp(&set_flush_denormal_here, &on, unsigned(at::get_num_threads()), 0);
  }
  return true;
}

}  // namespace sasmlm
