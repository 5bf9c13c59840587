// Gradient synchronisation for data parallelism, the way PyTorch's DDP does it (LibTorch has no C++ DDP):
// parameters are broadcast from rank 0 once; gradients are packed into buckets of about distributed.bucket_mb,
// filled in reverse parameter order (roughly the order backward produces them), and each bucket's all-reduce is
// launched asynchronously as soon as all its gradients are accumulated, so communication overlaps the rest of
// backward. finish() launches what is left, waits, and writes the summed gradients back.
//
// Gradients are SUMMED over ranks, not averaged: the train step already divides each rank's loss by the masked-token
// count of the whole step (all ranks), and the SAS term is a sum over arcs, so the sum is the large-batch gradient.
// Only the final micro-step of an accumulation communicates (prepare_backward(false) leaves the hooks idle).
#pragma once

#include <torch/torch.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "sasmlm/dist/process_group.h"

namespace sasmlm {

// Where the communication time went, summed over the synchronised steps.
struct ReducerTimings {
  int64_t steps = 0;
  double comm_s = 0;       // first bucket launched -> last bucket done
  double exposed_s = 0;    // waited in finish() after backward: communication not hidden by backward
  double overlap() const { return comm_s > 0 ? std::max(0.0, 1.0 - exposed_s / comm_s) : 0.0; }
};

class GradReducer {
 public:
  // `parameters` in registration order (duplicates, e.g. tied weights, are kept once). bucket_mb > 0.
  GradReducer(ProcessGroup& group, const std::vector<torch::Tensor>& parameters, double bucket_mb);
  ~GradReducer();
  GradReducer(const GradReducer&) = delete;
  GradReducer& operator=(const GradReducer&) = delete;

  // Copies rank 0's parameters to every rank.
  void broadcast_parameters();
  // Called before each micro-step's backward: only the final one (final_micro) communicates.
  void prepare_backward(bool final_micro);
  // After the final backward: launches the remaining buckets (zeros for parameters without a gradient), waits
  // for all, and leaves the summed gradients in .grad.
  void finish();

  // A CRC-32 of all parameter bytes (identical across ranks when they agree).
  uint32_t parameter_checksum() const;
  // ExitRequest(kExitDistributed) when the ranks' parameter checksums differ; returns the common checksum.
  uint32_t check_parameters(int64_t step);

  int64_t num_buckets() const { return int64_t(buckets_.size()); }
  const ReducerTimings& timings() const { return timings_; }

 private:
  using Clock = std::chrono::steady_clock;
  struct Bucket {
    std::vector<size_t> params;          // indices into params_
    std::vector<int64_t> offsets;        // element offset of each param in `buffer`
    torch::Tensor buffer;                // (numel,) flat gradients
    int64_t pending = 0;                 // gradients still missing in this backward
    c10::intrusive_ptr<c10d::Work> work; // set once launched
  };

  void on_gradient_ready(size_t param);
  void launch_ready_buckets();           // in bucket order: every rank launches the same sequence
  void launch(Bucket& bucket);

  ProcessGroup& group_;
  std::vector<torch::Tensor> params_;
  std::vector<size_t> bucket_of_;        // param index -> bucket index
  std::vector<size_t> slot_of_;          // param index -> position inside its bucket
  std::vector<bool> ready_;              // param got its gradient in this backward
  std::vector<Bucket> buckets_;
  std::vector<std::shared_ptr<torch::autograd::Node>> accumulators_;  // kept alive: hooks live on them
  std::vector<uintptr_t> hook_keys_;
  std::mutex mutex_;
  bool armed_ = false;
  size_t next_launch_ = 0;
  Clock::time_point first_launch_;
  std::shared_ptr<std::mutex> done_mutex_ = std::make_shared<std::mutex>();
  std::shared_ptr<Clock::time_point> last_done_ = std::make_shared<Clock::time_point>();
  ReducerTimings timings_;
};

}  // namespace sasmlm
