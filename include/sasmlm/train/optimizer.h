// AdamW with decoupled weight decay and the learning-rate schedules.
#pragma once

#include <torch/torch.h>

#include <memory>

#include "sasmlm/config/config.h"

namespace sasmlm {

// AdamW over two parameter groups: weights with decay, biases and LayerNorm parameters without (as BERT).
// Group 0 decays, group 1 does not.
std::unique_ptr<torch::optim::AdamW> make_adamw(torch::nn::Module& model, const TrainerConfig& config);

// Whether the fused AdamW kernel (one multi-tensor kernel per group) is used for trainer.adamw_impl on `device`.
bool use_fused_adamw(const TrainerConfig& config, const torch::Device& device);

// One AdamW update: optimizer.step(), or with `fused` the same update through ATen's fused kernel, reading and
// writing the optimizer's own state (step count, exp_avg, exp_avg_sq), so checkpoints are the same either way.
void adamw_step(torch::optim::AdamW& optimizer, bool fused);

// Scales every gradient of `model` so that their global L2 norm is at most max_norm (infinity = no clipping) and
// returns that norm before clipping as a 0-dim tensor on the gradients' device, without reading it back: the
// caller decides when to sync. Same arithmetic as torch::nn::utils::clip_grad_norm_ (coefficient
// max_norm / (norm + 1e-6), capped at 1), with one multi-tensor kernel for the per-tensor norms.
torch::Tensor clip_gradients(torch::nn::Module& model, double max_norm);

// Learning rate at 0-based optimizer step `step`: linear warmup over warmup_steps, then linear decay to 0 at
// decay_horizon (or max_steps), cosine decay to 0 at the same horizon, or constant.
double learning_rate_at(const TrainerConfig& config, int64_t step);

// Sets every group's learning rate.
void set_learning_rate(torch::optim::Optimizer& optimizer, double lr);

}  // namespace sasmlm
