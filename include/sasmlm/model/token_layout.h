// Where the real tokens of a padded batch sit, so the row-wise parts of the encoder (projections, FFN, LayerNorm,
// dropout) run on the real tokens only and attention alone sees the padded (B, T) grid ("unpadding").
//
// Packed EWT batches are about 80% real tokens; every padded row costs the same matmul work as a real one, so the
// row-wise work shrinks by the padding share. Attention keeps the padded grid: its kernels want (B, h, T, d).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <optional>

namespace sasmlm {

class TokenLayout {
 public:
  // The layout of `attention_mask` (B, T) bool, true = real; nullopt when it is undefined or has no padding (the
  // padded layout then is the packed one). `real_tokens` is the mask's count of true values when the caller knows
  // it (Batch::num_real_tokens): then no host sync is needed on a GPU; -1 counts on the device and reads the count
  // back (one sync).
  static std::optional<TokenLayout> from_mask(const torch::Tensor& attention_mask, int64_t real_tokens = -1);

  // (B, T, C) -> (N, C): the real tokens' rows, in row-major (b, t) order.
  torch::Tensor unpad(const torch::Tensor& padded) const;
  // (N, C) -> (B, T, C): the rows back at their positions, zeros at padding.
  torch::Tensor pad(const torch::Tensor& packed) const;

  int64_t real_tokens() const { return index_.size(0); }

 private:
  TokenLayout(torch::Tensor index, int64_t batch, int64_t length);

  torch::Tensor index_;  // (N,) int64: flat positions b * T + t of the real tokens
  int64_t batch_;
  int64_t length_;
};

}  // namespace sasmlm
