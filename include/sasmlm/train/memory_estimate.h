// The memory a training run needs, estimated before anything large is allocated, and checked against the machine.
//
// model: fp32 parameters; optimizer: their gradients and AdamW's two moments; activations: what one micro-batch keeps
// for backward (per layer and token: the hidden-width tensors of attention and FFN, the intermediate width twice,
// and heads x seq_len attention scores, probabilities and dropout mask), the embeddings and the MLM head's logits for
// the masked positions; data: the loader's prefetched batches; runtime: the process's fixed cost (LibTorch, the
// allocator's slack). A run whose estimate exceeds the memory available (host RAM, within a cgroup limit, or the
// GPU's free memory) stops with exit 2 before it starts, instead of aborting in the allocator or swapping.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string>

#include "sasmlm/config/config.h"
#include "sasmlm/model/bert_options.h"

namespace sasmlm {

struct MemoryEstimate {
  double parameters = 0;
  double model_bytes = 0;
  double optimizer_bytes = 0;   // gradients + AdamW moments
  double activation_bytes = 0;  // one micro-batch's forward, kept for backward
  double data_bytes = 0;        // prefetched batches
  double runtime_bytes = 0;     // fixed process cost
  double total() const {
    return model_bytes + optimizer_bytes + activation_bytes + data_bytes + runtime_bytes;
  }
  std::string describe() const;  // "about 1.2 GB (model 0.4 GB, optimizer ..., activations ..., data ..., runtime ...)"
};

// Exact parameter count of BertForMaskedLM with these options (tied decoder).
int64_t count_bert_parameters(const BertOptions& model);

// The estimate for `world_size` ranks sharing trainer.batch_size; `bf16` halves the activations.
MemoryEstimate estimate_training_memory(const Config& config, const BertOptions& model, int64_t world_size, bool bf16);

// Bytes this process can still get on the host: MemAvailable, lowered to the cgroup's limit minus its usage.
double available_host_bytes();

// UserError when `estimate` exceeds `available_bytes` of `where` ("this machine's RAM", "GPU 0"):
// "trainer: the run needs about X (...), more than the Y available in WHERE (hint: ...)".
void check_memory_fits(const MemoryEstimate& estimate, double available_bytes, const std::string& where);

// The trainer's check: on the CPU the whole estimate against the host; on a GPU the model, optimizer and activations
// against the device's free memory and the rest against the host. Logs the estimate at info level.
void check_training_memory(const MemoryEstimate& estimate, const torch::Device& device);

}  // namespace sasmlm
