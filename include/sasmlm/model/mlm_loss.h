// The masked-LM loss as a SUM over predicted positions.
//
// A sum (not a mean) so the caller can divide by the global number of masked tokens across micro-batches and
// ranks: the accumulated gradient then equals the gradient of one big batch exactly.
#pragma once

#include <torch/torch.h>

namespace sasmlm {

// logits (M, V) any float dtype, labels (M,) int64 -> 0-dim fp32 sum of cross-entropy, computed in fp32
// (float64 logits stay float64).
// Labels equal to -100 are ignored (contribute 0), as in PyTorch's cross_entropy.
torch::Tensor mlm_loss_sum(const torch::Tensor& logits, const torch::Tensor& labels);

}  // namespace sasmlm
