#include "sasmlm/train/memory_estimate.h"

#include <ATen/DeviceAccelerator.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"

namespace sasmlm {

namespace {

constexpr double kFloatBytes = 4;
constexpr double kRuntimeBytes = 450e6;  // LibTorch's libraries, thread pools and allocator slack on the CPU
constexpr double kMaskedShare = 0.2;     // positions decoded by the MLM head (data.mask_prob 0.15 and rounding)

std::string gb(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), bytes >= 1e9 ? "%.1f GB" : "%.0f MB", bytes >= 1e9 ? bytes / 1e9 : bytes / 1e6);
  return buf;
}

// A number from /proc/meminfo ("MemAvailable:   123 kB"), in bytes; -1 if absent.
double meminfo_bytes(const std::string& key) {
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string name;
    double kib = 0;
    if (fields >> name >> kib && name == key + ":") return kib * 1024;
  }
  return -1;
}

// A cgroup v2 (or v1) file holding one number of bytes; -1 when absent or "max".
double cgroup_number(const char* path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text) || text == "max") return -1;
  try {
    const double v = std::stod(text);
    return v > 1e18 ? -1 : v;  // v1 writes a huge number for "unlimited"
  } catch (...) {
    return -1;
  }
}

}  // namespace

std::string MemoryEstimate::describe() const {
  return "about " + gb(total()) + ": model " + gb(model_bytes) + ", gradients and AdamW state " + gb(optimizer_bytes) +
         ", activations " + gb(activation_bytes) + ", batches " + gb(data_bytes) + ", runtime " + gb(runtime_bytes);
}

int64_t count_bert_parameters(const BertOptions& o) {
  const int64_t h = o.hidden, i = o.intermediate;
  const int64_t embeddings = (o.vocab_size + o.max_position + o.type_vocab) * h + 2 * h;  // + LayerNorm
  const int64_t layer = 4 * (h * h + h) + 2 * h + (h * i + i) + (i * h + h) + 2 * h;      // attention, FFN, 2 LN
  const int64_t head = (h * h + h) + 2 * h + o.vocab_size;                                 // transform, LN, bias
  return embeddings + o.layers * layer + head;
}

MemoryEstimate estimate_training_memory(const Config& c, const BertOptions& o, int64_t world_size, bool bf16) {
  MemoryEstimate e;
  e.parameters = double(count_bert_parameters(o));
  e.model_bytes = kFloatBytes * e.parameters;
  e.optimizer_bytes = 3 * kFloatBytes * e.parameters;
  const double per_rank = double(c.trainer.batch_size) / double(std::max<int64_t>(1, world_size));
  const double micro = c.trainer.micro_batch_size > 0 ? std::min(double(c.trainer.micro_batch_size), per_rank) : per_rank;
  const double seq = double(c.data.max_seq_len);
  const double tokens = micro * seq;
  const double h = double(o.hidden), i = double(o.intermediate), heads = double(o.heads);
  const double per_token_layer = 16 * h + 2 * i + 4 * heads * seq;  // floats kept for backward
  const double per_token = double(o.layers) * per_token_layer + 6 * h;
  const double logits = kMaskedShare * tokens * double(o.vocab_size) * 3;  // logits, log-softmax, their gradient
  e.activation_bytes = (bf16 ? 2.0 : kFloatBytes) * (tokens * per_token) + kFloatBytes * logits;
  // Each prefetched batch: ids, mask, heads, word index, labels (int64) for the per-rank batch, plus one in use.
  e.data_bytes = double(c.data.prefetch + 1) * per_rank * seq * 8 * 5;
  e.runtime_bytes = kRuntimeBytes;
  return e;
}

double available_host_bytes() {
  double available = meminfo_bytes("MemAvailable");
  if (available < 0) available = meminfo_bytes("MemFree");
  for (const auto& [limit_file, usage_file] :
       {std::pair{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"},
        std::pair{"/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"}}) {
    const double limit = cgroup_number(limit_file);
    const double usage = cgroup_number(usage_file);
    if (limit > 0 && usage >= 0) {
      const double left = std::max(0.0, limit - usage);
      available = available < 0 ? left : std::min(available, left);
    }
  }
  return available;
}

void check_memory_fits(const MemoryEstimate& estimate, double available_bytes, const std::string& where) {
  if (available_bytes < 0 || estimate.total() <= available_bytes) return;
  throw UserError("trainer: the run needs " + estimate.describe() + ", more than the " + gb(available_bytes) +
                  " available in " + where + " (hint: lower trainer.micro_batch_size (gradient accumulation keeps "
                  "trainer.batch_size), data.max_seq_len or the model size; model.* and trainer.* name them)");
}

void check_training_memory(const MemoryEstimate& estimate, const torch::Device& device) {
  log_info("memory estimate: ", estimate.describe());
  if (!device.is_cuda()) {
    check_memory_fits(estimate, available_host_bytes(), "this machine's RAM");
    return;
  }
  MemoryEstimate on_device = estimate;
  on_device.data_bytes = 0;
  on_device.runtime_bytes = 0;
  const int index = device.has_index() ? device.index() : 0;
  const double free_bytes = double(at::accelerator::getMemoryInfo(index).first);
  check_memory_fits(on_device, free_bytes, "GPU " + std::to_string(index));
  MemoryEstimate on_host;
  on_host.data_bytes = estimate.data_bytes;
  on_host.runtime_bytes = estimate.runtime_bytes;
  check_memory_fits(on_host, available_host_bytes(), "this machine's RAM");
}

}  // namespace sasmlm
