// One optimizer step, top to bottom: schedule, batch, forward, losses, backward, allreduce, clip, step.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "sasmlm/config/config.h"
#include "sasmlm/data/loader.h"
#include "sasmlm/model/bert.h"
#include "sasmlm/sas/regularizer.h"
#include "sasmlm/sas/schedule.h"

namespace sasmlm {

// What the step needs; owned by the trainer, which builds it once.
struct TrainContext {
  BertForMaskedLM model{nullptr};
  torch::optim::AdamW* optimizer = nullptr;
  Regularizer* regularizer = nullptr;      // null when sas.schedule is zero everywhere
  LambdaSchedule schedule;
  TrainerConfig config;
  uint64_t seed = 0;                       // keys the regularizer's random variants
  torch::Device device = torch::kCPU;
  bool bf16 = false;                       // autocast to bf16 (CUDA)
  bool fused_adamw = false;                // ATen's fused AdamW kernel (use_fused_adamw)
  // Data parallelism (identities on one process): all_reduce_sums sums a few host scalars over ranks in place, in
  // one collective (the step calls it twice: counts before the forward, losses after the backward);
  // before_backward(final micro-batch) arms gradient synchronisation on the step's last backward;
  // reduce_gradients sums gradients over ranks.
  std::function<void(std::vector<double>&)> all_reduce_sums = [](std::vector<double>&) {};
  std::function<void(bool)> before_backward = [](bool) {};
  std::function<void()> reduce_gradients = [] {};
};

struct StepStats {
  int64_t step = 0;
  double mlm_loss = 0;     // mean cross-entropy over the step's masked tokens (all ranks)
  double sas_loss = 0;     // R per parsed sequence: summed over the step's arcs (all ranks) / parsed sequences
  int64_t parsed_sequences = 0;  // parsed (CoNLL-U) sequences in the step, all ranks
  double lambda = 0;
  double lr = 0;
  double grad_norm = 0;    // before clipping
  int64_t tokens = 0;      // real tokens on this rank
  int64_t global_tokens = 0;  // real tokens, all ranks
  int64_t masked = 0;      // masked tokens, all ranks
  bool skipped = false;    // non-finite loss or gradients: no update
};

StepStats train_step(TrainContext& ctx, const StepBatches& batches);

}  // namespace sasmlm
