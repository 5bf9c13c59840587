#include "sasmlm/dist/grad_reducer.h"

#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/utils/lambda_post_hook.h>
#include <torch/csrc/autograd/variable.h>

#include <unordered_set>

#include "sasmlm/core/checksum.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"

namespace sasmlm {
namespace {
// DDP's habit: a small first bucket gets the first all-reduce going early in backward.
constexpr double kFirstBucketMb = 1.0;
}  // namespace

GradReducer::GradReducer(ProcessGroup& group, const std::vector<torch::Tensor>& parameters, double bucket_mb)
    : group_(group) {
  SASMLM_CHECK(bucket_mb > 0, "bucket_mb must be positive");
  std::unordered_set<const void*> seen;
  for (const auto& p : parameters) {
    if (p.requires_grad() && seen.insert(p.unsafeGetTensorImpl()).second) params_.push_back(p);
  }
  bucket_of_.resize(params_.size());
  slot_of_.resize(params_.size());
  ready_.assign(params_.size(), false);

  // Buckets in reverse registration order; a new bucket when full or when dtype/device change.
  double cap_bytes = std::min(kFirstBucketMb, bucket_mb) * 1024 * 1024;
  int64_t bucket_bytes = 0;
  for (size_t k = params_.size(); k-- > 0;) {
    const torch::Tensor& p = params_[k];
    const int64_t bytes = p.numel() * int64_t(p.element_size());
    const bool fits = !buckets_.empty() && bucket_bytes + bytes <= int64_t(cap_bytes) &&
                      buckets_.back().buffer.dtype() == p.dtype() && buckets_.back().buffer.device() == p.device();
    if (!fits && !buckets_.empty()) cap_bytes = bucket_mb * 1024 * 1024;
    if (!fits) {
      buckets_.emplace_back();
      buckets_.back().buffer = torch::empty({0}, p.options());  // dtype/device marker until sized below
      bucket_bytes = 0;
    }
    Bucket& b = buckets_.back();
    bucket_of_[k] = buckets_.size() - 1;
    slot_of_[k] = b.params.size();
    b.offsets.push_back(bucket_bytes / int64_t(p.element_size()));
    b.params.push_back(k);
    bucket_bytes += bytes;
  }
  for (auto& b : buckets_) {
    int64_t numel = 0;
    for (size_t k : b.params) numel += params_[k].numel();
    b.buffer = torch::zeros({numel}, b.buffer.options());  // (numel,)
  }

  // A post hook on each parameter's gradient accumulator runs once .grad holds this backward's sum.
  for (size_t k = 0; k < params_.size(); ++k) {
    auto accumulator = torch::autograd::impl::grad_accumulator(params_[k]);
    SASMLM_CHECK(accumulator != nullptr, "parameter without a gradient accumulator");
    hook_keys_.push_back(accumulator->add_post_hook(std::make_unique<torch::autograd::utils::LambdaPostHook>(
        [this, k](const torch::autograd::variable_list& outputs, const torch::autograd::variable_list&) {
          on_gradient_ready(k);
          return outputs;
        })));
    accumulators_.push_back(std::move(accumulator));
  }
  log_info("grad reducer: ", params_.size(), " parameters in ", buckets_.size(), " buckets of up to ",
           bucket_mb, " MB");
}

GradReducer::~GradReducer() {
  for (size_t k = 0; k < accumulators_.size(); ++k) accumulators_[k]->del_post_hook(hook_keys_[k]);
}

void GradReducer::broadcast_parameters() {
  if (!group_.distributed()) return;
  std::vector<torch::Tensor> data;
  for (auto& p : params_) data.push_back(p.detach());
  group_.broadcast(data, 0);
}

void GradReducer::prepare_backward(bool final_micro) {
  std::lock_guard<std::mutex> lock(mutex_);
  armed_ = final_micro && group_.distributed();
  if (!armed_) return;
  std::fill(ready_.begin(), ready_.end(), false);
  for (auto& b : buckets_) {
    b.pending = int64_t(b.params.size());
    b.work.reset();
  }
  next_launch_ = 0;
  std::lock_guard<std::mutex> done_lock(*done_mutex_);
  *last_done_ = Clock::time_point{};
}

void GradReducer::on_gradient_ready(size_t param) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!armed_ || ready_[param]) return;
  ready_[param] = true;
  Bucket& b = buckets_[bucket_of_[param]];
  const torch::Tensor& grad = params_[param].grad();
  const size_t slot = slot_of_[param];
  torch::NoGradGuard no_grad;
  b.buffer.narrow(0, b.offsets[slot], params_[param].numel()).copy_(grad.reshape({-1}));
  --b.pending;
  launch_ready_buckets();
}

void GradReducer::launch_ready_buckets() {
  while (next_launch_ < buckets_.size() && buckets_[next_launch_].pending == 0) launch(buckets_[next_launch_++]);
}

void GradReducer::launch(Bucket& bucket) {
  if (next_launch_ == 1) first_launch_ = Clock::now();
  bucket.work = group_.all_reduce_sum_async(bucket.buffer);
  // Completion time, for the overlap figure; the callback may outlive this object, hence the shared pointers.
  auto mutex = done_mutex_;
  auto last = last_done_;
  bucket.work->getFuture()->addCallback([mutex, last](c10::ivalue::Future&) {
    std::lock_guard<std::mutex> lock(*mutex);
    *last = std::max(*last, Clock::now());
  });
}

void GradReducer::finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!armed_) return;
  const auto backward_done = Clock::now();
  // Parameters the last backward did not reach contribute what earlier micro-steps accumulated, or zeros, so every
  // rank launches every bucket.
  torch::NoGradGuard no_grad;
  for (size_t k = 0; k < params_.size(); ++k) {
    if (ready_[k]) continue;
    Bucket& b = buckets_[bucket_of_[k]];
    torch::Tensor slice = b.buffer.narrow(0, b.offsets[slot_of_[k]], params_[k].numel());
    if (params_[k].grad().defined()) {
      slice.copy_(params_[k].grad().reshape({-1}));
    } else {
      slice.zero_();
    }
    --b.pending;
  }
  launch_ready_buckets();
  SASMLM_CHECK(next_launch_ == buckets_.size(), "a gradient bucket was not launched");
  for (auto& b : buckets_) group_.wait(b.work, "gradient all-reduce");
  const auto waited = Clock::now();
  for (auto& b : buckets_) {
    for (size_t slot = 0; slot < b.params.size(); ++slot) {
      torch::Tensor& p = params_[b.params[slot]];
      torch::Tensor summed = b.buffer.narrow(0, b.offsets[slot], p.numel()).view(p.sizes());
      if (p.grad().defined()) {
        p.mutable_grad().copy_(summed);
      } else {
        p.mutable_grad() = summed.clone();
      }
    }
  }
  {
    std::lock_guard<std::mutex> done_lock(*done_mutex_);
    const auto last = std::max(*last_done_, first_launch_);
    timings_.comm_s += std::chrono::duration<double>(last - first_launch_).count();
  }
  timings_.exposed_s += std::chrono::duration<double>(waited - backward_done).count();
  ++timings_.steps;
  armed_ = false;
}

uint32_t GradReducer::parameter_checksum() const {
  uint32_t crc = 0;
  for (const auto& p : params_) {
    const torch::Tensor cpu = p.detach().to(torch::kCPU).contiguous();
    crc = crc32(cpu.data_ptr(), size_t(cpu.numel()) * cpu.element_size(), crc);
  }
  return crc;
}

uint32_t GradReducer::check_parameters(int64_t step) {
  const uint32_t mine = parameter_checksum();
  if (!group_.distributed()) return mine;
  // A CRC-32 is exact in a double; max and -max(-x) give the range over ranks.
  const double high = group_.all_reduce_max(double(mine));
  const double low = -group_.all_reduce_max(-double(mine));
  if (high != low) {
    throw ExitRequest(kExitDistributed, cat("rank ", group_.rank(), ": parameters differ across ranks at step ", step,
                                            " (checksums range ", uint32_t(low), "..", uint32_t(high),
                                            ", this rank ", mine, "): a bug in gradient synchronisation"));
  }
  return mine;
}

}  // namespace sasmlm
