#include "sasmlm/eval/mlm_eval.h"

#include <algorithm>
#include <numeric>

#include "sasmlm/data/loader.h"
#include "sasmlm/eval/eval_mode_guard.h"
#include "sasmlm/model/mlm_loss.h"
#include "sasmlm/sas/regularizer.h"

namespace sasmlm {

MlmEvalResult evaluate_mlm(BertForMaskedLM& model, const SequenceSource& source, const MaskingOptions& masking,
                           uint64_t mask_seed, int64_t batch_size, int64_t max_batches, const torch::Device& device) {
  MlmEvalResult result;
  EvalModeGuard eval_mode(model);  // dropout off; the caller's mode comes back also when this throws
  torch::NoGradGuard no_grad;
  // The paper's definition whatever the run's own sas.* options are (a control variant must not change the yardstick).
  const std::unique_ptr<Regularizer> sas = make_regularizer(SasConfig{}, model->options().layers);
  double loss_sum = 0;
  double sas_sum = 0;
  int64_t correct = 0;
  const int64_t limit = std::min(source.size(), batch_size * max_batches);
  for (int64_t start = 0; start < limit; start += batch_size) {
    std::vector<int64_t> ids(size_t(std::min(batch_size, limit - start)));
    std::iota(ids.begin(), ids.end(), start);
    // The step is fixed (0) so the mask depends only on (mask_seed, sequence, position).
    Batch batch = apply_masking(collate(source, ids, 0), masking, mask_seed).to(device);
    if (batch.mlm_positions.size(0) == 0) continue;
    sas->begin(batch.heads, batch.attention_mask, 0);
    torch::Tensor hidden = model->encode(batch.input_ids, batch.attention_mask, sas.get());  // (B, T, H)
    result.arcs += sas->num_arcs();
    sas_sum += sas->finish().item<double>();
    torch::Tensor logits = model->mlm_logits(hidden, batch.mlm_positions);       // (M, V)
    loss_sum += mlm_loss_sum(logits, batch.mlm_labels).item<double>();
    correct += (logits.argmax(-1) == batch.mlm_labels).sum().item<int64_t>();
    result.masked += batch.mlm_positions.size(0);
    result.sequences += int64_t(ids.size());
  }
  if (result.masked > 0) {
    result.loss = loss_sum / double(result.masked);
    result.accuracy = double(correct) / double(result.masked);
  }
  if (result.arcs > 0) result.sas_r_per_arc = sas_sum / double(result.arcs);
  return result;
}

}  // namespace sasmlm
