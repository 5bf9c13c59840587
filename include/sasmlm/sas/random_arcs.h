// Random non-syntactic token pairs for the `random_arcs` control: same count and signed distances as the real arcs.
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace sasmlm {

// arcs: (A, 3) int64 [b, dependent, head] from extract_arcs; attention_mask: (B, T) bool.
// For each real arc (b, i, h), in order, draws a pair (x, x + (h - i)) with both ends among row r's real tokens
// other than [CLS] (position 0) and the final [SEP] (the last real position). Row r is the arc's own row when it
// has room, otherwise the other rows are tried from a random one onwards. A pair is never a real arc of its row
// nor a pair drawn before, in either orientation. Pairs that fit no row are dropped (only in batches of very short
// rows), so the result has A' <= A rows [r, x, x + d], on the arcs' device. Deterministic in rng_key.
torch::Tensor sample_random_arcs(const torch::Tensor& arcs, const torch::Tensor& attention_mask, uint64_t rng_key);

}  // namespace sasmlm
