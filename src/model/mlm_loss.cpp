#include "sasmlm/model/mlm_loss.h"

#include "sasmlm/core/error.h"

namespace sasmlm {

torch::Tensor mlm_loss_sum(const torch::Tensor& logits, const torch::Tensor& labels) {
  SASMLM_CHECK(logits.dim() == 2, "logits must be (M, V)");
  SASMLM_CHECK(labels.dim() == 1 && labels.size(0) == logits.size(0) && labels.scalar_type() == torch::kInt64,
               "labels must be (M,) int64 matching logits");
  namespace F = torch::nn::functional;
  // fp32 even under bf16 autocast: log-softmax over a large vocabulary loses too much in bf16. float64 stays
  // float64 (finite-difference checks).
  const auto dtype = logits.scalar_type() == torch::kFloat64 ? torch::kFloat64 : torch::kFloat32;
  return F::cross_entropy(logits.to(dtype), labels,
                          F::CrossEntropyFuncOptions().reduction(torch::kSum));
}

}  // namespace sasmlm
