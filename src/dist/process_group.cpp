#include "sasmlm/dist/process_group.h"

#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef SASMLM_WITH_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef SASMLM_WITH_NCCL
#include <c10/cuda/CUDAFunctions.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <netdb.h>

#include <cstdlib>
#include <thread>

#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"

namespace sasmlm {
namespace {

std::optional<std::string> process_env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

// A non-negative integer environment variable; UserError naming it otherwise.
int64_t env_int(const EnvLookup& env, const std::string& name) {
  const std::string text = *env(name);
  size_t used = 0;
  int64_t value = -1;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || value < 0) {
    throw UserError("environment variable " + name + "='" + text + "': expected a non-negative integer");
  }
  return value;
}

std::string describe_exception(const std::exception& e) {
  if (const auto* c10_error = dynamic_cast<const c10::Error*>(&e)) return c10_error->what_without_backtrace();
  return e.what();
}

// Checks the numbers every launcher must give consistently.
void validate(const DistEnv& d, const std::string& rank_var, const std::string& world_var,
              const std::string& local_var) {
  if (d.world_size < 1) throw UserError(world_var + "=" + std::to_string(d.world_size) + ": expected at least 1");
  if (d.rank >= d.world_size) {
    throw UserError(rank_var + "=" + std::to_string(d.rank) + " is not below " + world_var + "=" +
                    std::to_string(d.world_size) + " (hint: the launcher's variables are inconsistent)");
  }
  if (d.local_rank > d.rank) {
    throw UserError(local_var + "=" + std::to_string(d.local_rank) + " exceeds " + rank_var + "=" +
                    std::to_string(d.rank) + " (a process's index on its node cannot exceed its global rank)");
  }
}

}  // namespace

std::string first_slurm_host(const std::string& nodelist) {
  // The first entry ends at the first comma outside brackets.
  std::string entry;
  int depth = 0;
  for (char c : nodelist) {
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (depth < 0) break;
    if (c == ',' && depth == 0) break;
    entry += c;
  }
  if (depth != 0 || entry.empty()) {
    throw UserError("SLURM_JOB_NODELIST='" + nodelist + "': expected host names or ranges like node[01-04,07]");
  }
  // Each bracket group "[a-b,c]" is replaced by its first number "a" (zero padding kept).
  std::string host;
  for (size_t i = 0; i < entry.size(); ++i) {
    if (entry[i] != '[') {
      host += entry[i];
      continue;
    }
    const size_t close = entry.find(']', i);
    const std::string group = entry.substr(i + 1, close - i - 1);
    const std::string first = group.substr(0, group.find_first_of(",-"));
    if (first.empty() || first.find_first_not_of("0123456789") != std::string::npos) {
      throw UserError("SLURM_JOB_NODELIST='" + nodelist + "': range [" + group + "] does not start with a number");
    }
    host += first;
    i = close;
  }
  return host;
}

int slurm_port(const std::string& job_id) {
  if (job_id.empty() || job_id.find_first_not_of("0123456789") != std::string::npos) {
    throw UserError("SLURM_JOB_ID='" + job_id + "': expected a number (hint: or set MASTER_PORT)");
  }
  // The last digits spread consecutive jobs sharing a node over different ports.
  const uint64_t id = std::stoull(job_id.substr(job_id.size() > 9 ? job_id.size() - 9 : 0));
  return 20000 + int(id % 20000);
}

DistEnv detect_dist_env(const EnvLookup& env) {
  DistEnv d;
  const bool torchrun = env("RANK") || env("WORLD_SIZE");
  const bool slurm_step = env("SLURM_PROCID") && (env("SLURM_STEP_ID") || env("SLURM_STEPID"));
  if (torchrun) {
    for (const char* name : {"RANK", "WORLD_SIZE"}) {
      if (!env(name)) {
        throw UserError(std::string("environment variable ") + name + " is missing while " +
                        (env("RANK") ? "RANK" : "WORLD_SIZE") +
                        " is set (hint: set RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT together, or launch "
                        "with torchrun)");
      }
    }
    d.launcher = "torchrun";
    d.rank = env_int(env, "RANK");
    d.world_size = env_int(env, "WORLD_SIZE");
    d.local_rank = env("LOCAL_RANK") ? env_int(env, "LOCAL_RANK") : 0;
    validate(d, "RANK", "WORLD_SIZE", "LOCAL_RANK");
    for (const char* name : {"MASTER_ADDR", "MASTER_PORT"}) {
      if (!env(name) || env(name)->empty()) {
        throw UserError(std::string("environment variable ") + name + " is missing (RANK and WORLD_SIZE are set; "
                        "hint: MASTER_ADDR/MASTER_PORT name rank 0's host and a free port)");
      }
    }
    d.master_addr = *env("MASTER_ADDR");
  } else if (slurm_step) {
    const char* tasks_var = env("SLURM_STEP_NUM_TASKS") ? "SLURM_STEP_NUM_TASKS" : "SLURM_NTASKS";
    if (!env(tasks_var)) throw UserError("environment variable SLURM_NTASKS is missing while SLURM_PROCID is set");
    d.world_size = env_int(env, tasks_var);
    if (d.world_size == 1) return DistEnv{};  // a one-task job step trains alone
    d.launcher = "slurm";
    d.rank = env_int(env, "SLURM_PROCID");
    if (!env("SLURM_LOCALID")) throw UserError("environment variable SLURM_LOCALID is missing (srun sets it)");
    d.local_rank = env_int(env, "SLURM_LOCALID");
    validate(d, "SLURM_PROCID", tasks_var, "SLURM_LOCALID");
    if (env("MASTER_ADDR") && !env("MASTER_ADDR")->empty()) {
      d.master_addr = *env("MASTER_ADDR");
    } else {
      const char* list_var = env("SLURM_STEP_NODELIST") ? "SLURM_STEP_NODELIST"
                             : env("SLURM_JOB_NODELIST") ? "SLURM_JOB_NODELIST"
                                                         : "SLURM_NODELIST";
      if (!env(list_var)) throw UserError("environment variable SLURM_JOB_NODELIST is missing (hint: set MASTER_ADDR)");
      d.master_addr = first_slurm_host(*env(list_var));
    }
    if (!env("MASTER_PORT")) {
      if (!env("SLURM_JOB_ID")) throw UserError("environment variable SLURM_JOB_ID is missing (hint: set MASTER_PORT)");
      d.port = slurm_port(*env("SLURM_JOB_ID"));
    }
  } else {
    return d;  // no launcher: one process
  }
  if (d.port == 0) {
    const int64_t port = env_int(env, "MASTER_PORT");
    if (port < 1 || port > 65535) {
      throw UserError("environment variable MASTER_PORT=" + std::to_string(port) + ": expected a port in 1..65535");
    }
    d.port = int(port);
  }
  return d;
}

DistEnv detect_dist_env() { return detect_dist_env(process_env); }

std::string resolve_backend(const std::string& backend, const torch::Device& device) {
  const std::string name = backend == "auto" ? (device.is_cuda() ? "nccl" : "gloo") : backend;
  if (name == "nccl") {
    // The device first: on a CPU, NCCL is wrong whatever this build holds.
    if (!device.is_cuda()) {
      throw UserError("distributed.backend: nccl needs CUDA devices, the device is " + device.str() +
                      " (hint: use auto or gloo)");
    }
#ifndef SASMLM_WITH_NCCL
    throw UserError("distributed.backend: this sasmlm build has no NCCL (it was built without the CUDA toolkit, see "
                    "third_party/README.md; hint: use gloo, or rebuild where the toolkit is installed)");
#endif
  } else if (name == "gloo") {
#ifndef SASMLM_WITH_GLOO
    throw UserError("distributed.backend: this sasmlm build has no Gloo (gloo headers were missing; hint: use nccl)");
#endif
  } else {
    throw UserError("distributed.backend: expected auto, nccl or gloo, found '" + backend + "'");
  }
  return name;
}

ProcessGroup::ProcessGroup(const DistEnv& env, const DistributedConfig& config, const torch::Device& device)
    : env_(env), timeout_(std::chrono::milliseconds(config.timeout_s * 1000)) {
  if (env_.launcher == "none") return;
  backend_name_ = resolve_backend(config.backend, device);
  // A host name that does not exist can never rendezvous: say so now instead of retrying until the timeout
  // (a temporary resolver failure, EAI_AGAIN, is left to the store's retries).
  addrinfo* resolved = nullptr;
  const int gai = ::getaddrinfo(env_.master_addr.c_str(), nullptr, nullptr, &resolved);
  if (gai != 0 && gai != EAI_AGAIN) {
    throw UserError("MASTER_ADDR='" + env_.master_addr + "': cannot resolve the host name: " + ::gai_strerror(gai) +
                    " (hint: MASTER_ADDR names rank 0's host)");
  }
  if (resolved != nullptr) ::freeaddrinfo(resolved);
  try {
    c10d::TCPStoreOptions options;
    options.port = uint16_t(env_.port);
    options.isServer = env_.rank == 0;
    options.numWorkers = size_t(env_.world_size);
    options.waitWorkers = true;
    options.timeout = timeout_;
    store_ = c10::make_intrusive<c10d::TCPStore>(env_.master_addr, options);
  } catch (const std::exception& e) {
    throw ExitRequest(kExitDistributed,
                      cat("rank ", env_.rank, ": rendezvous at ", env_.master_addr, ":", env_.port, " failed within ",
                          config.timeout_s, " s (distributed.timeout_s): ", describe_exception(e),
                          " (hint: are all ", env_.world_size, " ranks started, and is the port free?)"));
  }
  try {
    if (backend_name_ == "gloo") {
#ifdef SASMLM_WITH_GLOO
      auto options = c10d::ProcessGroupGloo::Options::create(timeout_);
      const auto iface = process_env("GLOO_SOCKET_IFNAME");
      options->devices.push_back(iface ? c10d::ProcessGroupGloo::createDeviceForInterface(*iface)
                                       : c10d::ProcessGroupGloo::createDefaultDevice());
      backend_ = c10::make_intrusive<c10d::ProcessGroupGloo>(store_, int(env_.rank), int(env_.world_size), options);
#endif
    } else {
#ifdef SASMLM_WITH_NCCL
      // Blocking waits make a timed-out collective throw in the caller instead of aborting from the watchdog.
      setenv("TORCH_NCCL_BLOCKING_WAIT", "1", 0);
      c10::cuda::set_device(c10::DeviceIndex(device.has_index() ? device.index() : env_.local_rank));
      auto options = c10d::ProcessGroupNCCL::Options::create();
      options->timeout = timeout_;
      backend_ = c10::make_intrusive<c10d::ProcessGroupNCCL>(store_, int(env_.rank), int(env_.world_size), options);
#endif
    }
  } catch (const std::exception& e) {
    fail("creating the " + backend_name_ + " process group", describe_exception(e));
  }
  comm_device_ = backend_name_ == "nccl" ? device : torch::Device(torch::kCPU);
  log_info("distributed: rank ", env_.rank, "/", env_.world_size, " (local rank ", env_.local_rank, ") via ",
           env_.launcher, ", ", backend_name_, ", store ", env_.master_addr, ":", env_.port, ", timeout ",
           config.timeout_s, " s");
}

ProcessGroup::~ProcessGroup() = default;

void ProcessGroup::wait(const c10::intrusive_ptr<c10d::Work>& work, const std::string& what) {
  try {
    if (!work->wait(timeout_)) fail(what, "no completion within the timeout");
  } catch (const ExitRequest&) {
    throw;
  } catch (const std::exception& e) {
    fail(what, describe_exception(e));
  }
}

c10::intrusive_ptr<c10d::Work> ProcessGroup::all_reduce_sum_async(torch::Tensor& tensor) {
  SASMLM_CHECK(distributed(), "all_reduce_sum_async on a local process group");
  std::vector<torch::Tensor> tensors{tensor};
  try {
    return backend_->allreduce(tensors);
  } catch (const std::exception& e) {
    fail("all-reduce", describe_exception(e));
  }
}

namespace {
double reduce_scalar(c10d::Backend& backend, ProcessGroup& group, const torch::Device& device, double value,
                     c10d::ReduceOp op, const std::string& what) {
  std::vector<torch::Tensor> tensors{torch::full({1}, value, torch::TensorOptions(torch::kFloat64).device(device))};
  c10d::AllreduceOptions options;
  options.reduceOp = op;
  c10::intrusive_ptr<c10d::Work> work;
  try {
    work = backend.allreduce(tensors, options);
  } catch (const std::exception& e) {
    group.fail(what, describe_exception(e));
  }
  group.wait(work, what);
  return tensors[0].item<double>();
}
}  // namespace

double ProcessGroup::all_reduce_max(double value) {
  if (!distributed()) return value;
  return reduce_scalar(*backend_, *this, comm_device_, value, c10d::ReduceOp::MAX, "all-reduce (max)");
}

void ProcessGroup::broadcast(std::vector<torch::Tensor>& tensors, int64_t root) {
  if (!distributed() || tensors.empty()) return;
  // One flat buffer per call: c10d's broadcast takes one tensor (a list means copies on several devices).
  std::vector<torch::Tensor> flat_parts;
  for (auto& t : tensors) flat_parts.push_back(t.detach().reshape({-1}).to(comm_device_));
  std::vector<torch::Tensor> buffer{torch::cat(flat_parts)};
  c10d::BroadcastOptions options;
  options.rootRank = root;
  c10::intrusive_ptr<c10d::Work> work;
  try {
    work = backend_->broadcast(buffer, options);
  } catch (const std::exception& e) {
    fail("broadcast", describe_exception(e));
  }
  wait(work, "broadcast");
  int64_t offset = 0;
  torch::NoGradGuard no_grad;
  for (auto& t : tensors) {
    const int64_t n = t.numel();
    t.copy_(buffer[0].narrow(0, offset, n).view(t.sizes()));
    offset += n;
  }
}

void ProcessGroup::barrier() {
  if (!distributed()) return;
  c10::intrusive_ptr<c10d::Work> work;
  try {
    work = backend_->barrier();
  } catch (const std::exception& e) {
    fail("barrier", describe_exception(e));
  }
  wait(work, "barrier");
}

void ProcessGroup::main_runs(const std::string& what, const std::function<void()>& fn) {
  if (!distributed()) {
    fn();
    return;
  }
  const std::string key = "sasmlm/main_runs/" + std::to_string(main_runs_count_++);
  if (is_main()) {
    try {
      fn();
    } catch (...) {
      try {
        store_->set(key, std::vector<uint8_t>{'f'});
      } catch (const std::exception&) {
      }
      throw;
    }
    store_->set(key, std::vector<uint8_t>{'o'});
    return;
  }
  std::vector<uint8_t> status;
  try {
    // However long rank 0 takes; a dead rank 0 takes the store down with it, which ends the wait.
    store_->wait({key}, std::chrono::hours(24 * 7));
    status = store_->get(key);
  } catch (const std::exception& e) {
    throw ExitRequest(kExitDistributed, cat("rank ", env_.rank, ": lost rank 0 while it was ", what,
                                            " (its rendezvous store stopped answering: ", describe_exception(e), ")"));
  }
  if (status != std::vector<uint8_t>{'o'}) {
    throw ExitRequest(kExitDistributed, cat("rank ", env_.rank, ": rank 0 failed while ", what, " (see its error)"));
  }
}

void ProcessGroup::fail(const std::string& what, const std::string& detail) {
  const int64_t timeout_s = timeout_.count() / 1000;
  std::string lost;
  try {
    // Survivors check in; whoever has not after a grace period is named as lost.
    store_->set("sasmlm/alive/" + std::to_string(env_.rank), std::vector<uint8_t>{'1'});
    const auto grace = std::min<std::chrono::milliseconds>(std::chrono::seconds(5), timeout_ / 4);
    std::this_thread::sleep_for(grace);
    for (int64_t r = 0; r < env_.world_size; ++r) {
      if (!store_->check({"sasmlm/alive/" + std::to_string(r)})) lost += (lost.empty() ? "" : ", ") + std::to_string(r);
    }
  } catch (const std::exception&) {
    lost = "0 (its rendezvous store no longer answers)";
  }
  if (lost.empty()) lost = "none identified (all ranks answer the store)";
  throw ExitRequest(kExitDistributed,
                    cat("rank ", env_.rank, ": ", what, " failed: lost rank ", lost, "; a peer died or did not "
                        "answer within distributed.timeout_s=", timeout_s, " s (", detail, ")"));
}

}  // namespace sasmlm
