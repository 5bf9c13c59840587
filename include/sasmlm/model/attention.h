// BERT self-attention with two interchangeable paths.
//
// Fast path: torch's fused scaled_dot_product_attention (flash / memory-efficient kernels where the device has
// them); the (B, H, T, T) probabilities never exist in memory. Probability path: explicit softmax, so the
// probabilities can be handed to an AttentionObserver (the SAS regularizer, the UAS probe). With dropout off both
// give the same outputs and gradients up to float rounding.
#pragma once

#include "sasmlm/model/attention_observer.h"
#include "sasmlm/model/bert_options.h"
#include "sasmlm/model/token_layout.h"

#include <torch/torch.h>

#include <cstdint>

namespace sasmlm {

// Additive key mask (B, 1, 1, T) of `dtype` from a (B, T) bool mask (true = real token): 0 at real keys, the
// lowest finite value at padded keys. Finite rather than -inf so that a row without any real key stays finite
// (uniform) instead of NaN; with at least one real key, exp(lowest - max) underflows to exactly 0, so real rows
// are exact.
torch::Tensor additive_key_mask(const torch::Tensor& attention_mask, torch::ScalarType dtype);

// Hugging Face's BertSelfAttention: query, key, value projections and the attention itself.
class BertSelfAttentionImpl : public torch::nn::Module {
 public:
  explicit BertSelfAttentionImpl(const BertOptions& options);

  // hidden (B, T, H), attention_mask (B, T) bool or undefined (= all real) -> context (B, T, H) before the output
  // projection.
  // observer == nullptr: fast path. Otherwise the probability path, calling observer->observe(layer, probs) with
  // probs (B, heads, T, T) taken before or after attention dropout as observer->post_dropout() asks.
  // layout != nullptr: hidden is the real tokens only, (N, H), and so is the result; attention runs on the padded
  // grid the layout describes.
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& attention_mask,
                        AttentionObserver* observer = nullptr, int64_t layer = 0,
                        const TokenLayout* layout = nullptr);

  torch::nn::Linear query{nullptr};
  torch::nn::Linear key{nullptr};
  torch::nn::Linear value{nullptr};

 private:
  // (B, T, H) -> (B, heads, T, head_dim)
  torch::Tensor split_heads(const torch::Tensor& x) const;

  int64_t heads_;
  int64_t head_dim_;
  double attention_dropout_;
};
TORCH_MODULE(BertSelfAttention);

}  // namespace sasmlm
