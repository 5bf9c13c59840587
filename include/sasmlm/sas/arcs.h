// The dependency arcs of a batch as one index tensor.
#pragma once

#include <torch/torch.h>

namespace sasmlm {

// heads: (B, T) int64, head position of each piece in the same row (-1 = no arc); attention_mask: (B, T) bool.
// Returns (A, 3) int64 rows [b, dependent, head] in row-major order of (b, dependent), on the heads' device.
// Arcs must join two distinct real tokens of a row (a data-module invariant, checked with SASMLM_CHECK).
torch::Tensor extract_arcs(const torch::Tensor& heads, const torch::Tensor& attention_mask);

}  // namespace sasmlm
