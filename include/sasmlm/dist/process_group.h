// Data-parallel process group on PyTorch's c10d engine: who we are (from torchrun's or Slurm's environment), the
// rendezvous store, and the collective backend (NCCL on CUDA, Gloo on CPU).
//
// World size 1 needs no environment and creates neither store nor backend: every collective is then a local
// identity. A failed or timed-out collective becomes ExitRequest(kExitDistributed) naming the ranks that stopped
// answering, so a dead peer ends the others within about the collective timeout instead of hanging them.
#pragma once

#include <torch/torch.h>
#include <torch/csrc/distributed/c10d/Backend.hpp>
#include <torch/csrc/distributed/c10d/Store.hpp>
#include <torch/csrc/distributed/c10d/Work.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sasmlm/config/config.h"

namespace sasmlm {

// This process's place in the job, as the launcher described it.
struct DistEnv {
  int64_t rank = 0;
  int64_t world_size = 1;
  int64_t local_rank = 0;          // index among the processes on this node: picks the GPU
  std::string master_addr;         // rendezvous host (rank 0's node)
  int port = 0;                    // rendezvous port
  std::string launcher = "none";   // none | torchrun | slurm
};

// Reads a variable; std::nullopt when unset. Tests pass a map, production the process environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// torchrun's variables (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT) win over Slurm's (SLURM_PROCID,
// SLURM_NTASKS, SLURM_LOCALID, SLURM_JOB_NODELIST, SLURM_JOB_ID; MASTER_ADDR/MASTER_PORT still override). Neither
// present, or a one-task Slurm job: world size 1. Inconsistent or incomplete variables are a UserError naming them.
DistEnv detect_dist_env(const EnvLookup& env);
DistEnv detect_dist_env();  // from the process environment

// The first host of a Slurm node list: "node[01-04,07],gpu3" -> "node01", "gpu[3-4]" -> "gpu3", "a,b" -> "a".
std::string first_slurm_host(const std::string& nodelist);
// The rendezvous port of a Slurm job: a stable function of the job id in [20000, 40000).
int slurm_port(const std::string& job_id);

// "nccl" or "gloo" for distributed.backend on `device` (auto: NCCL on CUDA, Gloo on CPU); UserError on a
// backend the device cannot use.
std::string resolve_backend(const std::string& backend, const torch::Device& device);

class ProcessGroup {
 public:
  // No launcher (env.launcher "none"): a local group, no store, no backend. Otherwise connects to the store on
  // env.master_addr (rank 0 hosts it) and builds the backend; both wait at most config.timeout_s.
  ProcessGroup(const DistEnv& env, const DistributedConfig& config, const torch::Device& device);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int64_t rank() const { return env_.rank; }
  int64_t world_size() const { return env_.world_size; }
  bool is_main() const { return env_.rank == 0; }
  // True when a backend exists: a launcher was detected (torchrun with WORLD_SIZE=1 included).
  bool distributed() const { return backend_.defined(); }
  const std::string& backend_name() const { return backend_name_; }
  std::chrono::milliseconds timeout() const { return timeout_; }

  // Blocking collectives (identities on one process).
  double all_reduce_max(double value);
  void broadcast(std::vector<torch::Tensor>& tensors, int64_t root);  // in place
  void barrier();

  // Asynchronous in-place sum; wait() with the returned handle. Only when distributed().
  c10::intrusive_ptr<c10d::Work> all_reduce_sum_async(torch::Tensor& tensor);
  // Waits for `work`; a failure or timeout becomes ExitRequest(kExitDistributed) describing `what`.
  void wait(const c10::intrusive_ptr<c10d::Work>& work, const std::string& what);

  // Rank 0 runs `fn` (preparing data, evaluating) while the others wait for it through the store, however long it
  // takes; if rank 0 fails or dies the others stop with kExitDistributed. fn runs on every rank when not distributed.
  void main_runs(const std::string& what, const std::function<void()>& fn);

  // Turns an exception from a collective into ExitRequest(kExitDistributed): asks the survivors through the store
  // which ranks still answer and names the others.
  [[noreturn]] void fail(const std::string& what, const std::string& detail);

 private:
  DistEnv env_;
  std::string backend_name_ = "local";
  std::chrono::milliseconds timeout_;
  c10::intrusive_ptr<c10d::Store> store_;
  c10::intrusive_ptr<c10d::Backend> backend_;
  torch::Device comm_device_ = torch::kCPU;  // where scalar collectives live (the GPU for NCCL)
  int64_t main_runs_count_ = 0;  // numbers the main_runs store keys
};

}  // namespace sasmlm
