#include "sasmlm/train/train_step.h"

#include <ATen/autocast_mode.h>

#include <cmath>

#include "sasmlm/core/rng.h"
#include "sasmlm/model/mlm_loss.h"
#include "sasmlm/sas/sas_normalization.h"
#include "sasmlm/train/optimizer.h"

namespace sasmlm {
namespace {

// bf16 autocast for the forward pass on CUDA; a no-op elsewhere.
class AutocastScope {
 public:
  explicit AutocastScope(bool enabled) : enabled_(enabled) {
    if (!enabled_) return;
    at::autocast::set_autocast_enabled(at::kCUDA, true);
    at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
  }
  ~AutocastScope() {
    if (!enabled_) return;
    at::autocast::set_autocast_enabled(at::kCUDA, false);
    at::autocast::clear_cache();
  }

 private:
  bool enabled_;
};

}  // namespace

StepStats train_step(TrainContext& ctx, const StepBatches& batches) {
  StepStats stats;
  stats.step = batches.step;
  // 1. schedule: lr and lambda are pure functions of the step, read first because lambda decides whether the
  //    forward pass observes attention at all.
  stats.lambda = ctx.schedule.at(batches.step);
  stats.lr = learning_rate_at(ctx.config, batches.step);
  // Zero cost when lambda is 0: no observer, so every layer takes the fast attention path.
  Regularizer* regularizer = (ctx.regularizer != nullptr && wants_attention(stats.lambda)) ? ctx.regularizer : nullptr;

  // 2. batch: both losses are normalised by counts of the whole optimizer step (all micro-batches, all ranks), so
  //    accumulation and data parallelism give the large-batch gradient exactly: the MLM loss by the masked tokens,
  //    the SAS sum by sas.normalization's count (per_sequence: the parsed sequences; see sas_normalization.h).
  SasCounts sas_counts;
  for (const Batch& micro : batches.micro) {
    stats.tokens += micro.num_real_tokens;
    sas_counts += count_sas(micro.heads, micro.attention_mask, micro.parsed);
  }
  std::vector<double> counts = {double(batches.num_masked), double(stats.tokens), sas_counts.sequences,
                                sas_counts.parsed_sequences, sas_counts.arcs};
  ctx.all_reduce_sums(counts);  // one collective for all counts
  const double global_masked = counts[0];
  stats.masked = int64_t(global_masked);
  stats.global_tokens = int64_t(counts[1]);
  const SasCounts global_sas{counts[2], counts[3], counts[4], counts[1]};
  stats.parsed_sequences = int64_t(global_sas.parsed_sequences);
  const SasNormalizer normalizer = ctx.regularizer != nullptr ? ctx.regularizer->normalizer() : SasNormalizer{};
  const double sas_denominator = normalizer.denominator(global_sas);
  torch::Tensor mlm_sum = torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat64).device(ctx.device));
  torch::Tensor sas_sum = torch::zeros_like(mlm_sum);

  for (size_t m = 0; m < batches.micro.size(); ++m) {
    const Batch batch = batches.micro[m].to(ctx.device, /*non_blocking=*/true);
    torch::Tensor loss, mlm, sas;
    {
      AutocastScope autocast(ctx.bf16);
      // 3. forward
      if (regularizer != nullptr) {
        regularizer->begin(batch.heads, batch.attention_mask, derive_key(ctx.seed, uint64_t(batch.step), m));
      }
      // A batch without padding goes in without a mask (CUDA's flash kernel takes none); the known real-token count
      // spares unpadding a device-to-host read.
      const bool full = batch.num_real_tokens == batch.input_ids.numel();
      torch::Tensor hidden = ctx.model->encode(batch.input_ids, full ? torch::Tensor() : batch.attention_mask,
                                               regularizer, batch.num_real_tokens);  // (B, T, H)
      torch::Tensor logits = ctx.model->mlm_logits(hidden, batch.mlm_positions);  // (M, V)
      // 4. losses: L = L_mlm + lambda * R / n, R summed over this micro-batch's arcs, n the step's count.
      mlm = mlm_loss_sum(logits, batch.mlm_labels);
      loss = mlm / std::max(global_masked, 1.0);
      if (regularizer != nullptr) {
        sas = regularizer->finish();
        loss = loss + (stats.lambda / sas_denominator) * sas;
      }
    }
    // 5. backward (gradients accumulate over micro-batches; only the last one communicates)
    ctx.before_backward(m + 1 == batches.micro.size());
    loss.backward();
    mlm_sum += mlm.detach().to(torch::kFloat64);
    if (sas.defined()) sas_sum += sas.detach().to(torch::kFloat64);
  }

  // 6. allreduce: gradients are summed over ranks (each rank's loss is already divided by the global count).
  ctx.reduce_gradients();

  // 7. clip, and refuse non-finite updates (one host sync per step, here: the norm and both loss sums cross to the
  //    host in one copy, and over ranks in one collective).
  const double max_norm = ctx.config.grad_clip > 0 ? ctx.config.grad_clip : std::numeric_limits<double>::infinity();
  const torch::Tensor grad_norm = clip_gradients(*ctx.model, max_norm);  // 0-dim, on the device
  const torch::Tensor sums = torch::stack({mlm_sum, sas_sum, grad_norm.to(torch::kFloat64)}).to(torch::kCPU);  // (3,)
  stats.grad_norm = sums[2].item<double>();
  std::vector<double> losses = {sums[0].item<double>(), sums[1].item<double>()};
  ctx.all_reduce_sums(losses);
  stats.mlm_loss = losses[0] / std::max(global_masked, 1.0);
  stats.sas_loss = losses[1] / std::max(global_sas.parsed_sequences, 1.0);
  stats.skipped = !std::isfinite(stats.grad_norm) || !std::isfinite(stats.mlm_loss) || !std::isfinite(stats.sas_loss);

  // 8. step (skipped steps still advance the schedule and the data, so a resume sees the same sequence)
  if (!stats.skipped) {
    set_learning_rate(*ctx.optimizer, stats.lr);
    adamw_step(*ctx.optimizer, ctx.fused_adamw);
  }
  ctx.optimizer->zero_grad(/*set_to_none=*/true);
  return stats;
}

}  // namespace sasmlm
