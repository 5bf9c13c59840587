#include "sasmlm/sas/arcs.h"

#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"

#include <vector>

namespace sasmlm {

torch::Tensor extract_arcs(const torch::Tensor& heads, const torch::Tensor& attention_mask) {
  SASMLM_CHECK(heads.dim() == 2 && heads.scalar_type() == torch::kInt64,
               cat("heads must be (B, T) int64, got ", heads.sizes(), " ", heads.scalar_type()));
  SASMLM_CHECK(attention_mask.sizes() == heads.sizes() && attention_mask.scalar_type() == torch::kBool,
               cat("attention_mask must be (B, T) bool like heads ", heads.sizes(), ", got ",
                   attention_mask.sizes(), " ", attention_mask.scalar_type()));
  // A plain host loop: (B, T) is a few thousand entries, and the arc count is needed on the host anyway.
  const torch::Tensor heads_cpu = heads.to(torch::kCPU).contiguous();
  const torch::Tensor mask_cpu = attention_mask.to(torch::kCPU).contiguous();
  const auto h = heads_cpu.accessor<int64_t, 2>();
  const auto m = mask_cpu.accessor<bool, 2>();
  const int64_t batch = heads.size(0), length = heads.size(1);
  std::vector<int64_t> flat;
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t i = 0; i < length; ++i) {
      const int64_t head = h[b][i];
      if (head == -1) continue;
      SASMLM_CHECK(head >= 0 && head < length && head != i && m[b][i] && m[b][head],
                   cat("bad arc in batch row ", b, ": dependent ", i, " -> head ", head, " (length ", length,
                       ", dependent real ", m[b][i], ", head real ", head >= 0 && head < length && m[b][head], ")"));
      flat.insert(flat.end(), {b, i, head});
    }
  }
  const int64_t count = int64_t(flat.size()) / 3;
  return torch::tensor(flat, torch::kInt64).view({count, 3}).to(heads.device());
}

}  // namespace sasmlm
