#include "sasmlm/model/attention.h"

#include "sasmlm/core/error.h"

#include <cmath>
#include <optional>

namespace sasmlm {

torch::Tensor additive_key_mask(const torch::Tensor& attention_mask, torch::ScalarType dtype) {
  SASMLM_CHECK(attention_mask.dim() == 2 && attention_mask.scalar_type() == torch::kBool,
               "attention_mask must be (B, T) bool");
  // Built directly in `dtype`: casting float's lowest to bfloat16 would round to -inf.
  const double lowest = dtype == torch::kFloat64 ? std::numeric_limits<double>::lowest()
                        : dtype == torch::kBFloat16
                            ? static_cast<double>(std::numeric_limits<c10::BFloat16>::lowest())
                        : dtype == torch::kFloat16 ? static_cast<double>(std::numeric_limits<c10::Half>::lowest())
                                                   : static_cast<double>(std::numeric_limits<float>::lowest());
  auto zeros = torch::zeros({}, attention_mask.options().dtype(dtype));
  auto blocked = torch::full({}, lowest, attention_mask.options().dtype(dtype));
  return torch::where(attention_mask, zeros, blocked).view({attention_mask.size(0), 1, 1, attention_mask.size(1)});
}

BertSelfAttentionImpl::BertSelfAttentionImpl(const BertOptions& options)
    : heads_(options.heads), head_dim_(options.head_dim()), attention_dropout_(options.attention_dropout) {
  query = register_module("query", torch::nn::Linear(options.hidden, options.hidden));
  key = register_module("key", torch::nn::Linear(options.hidden, options.hidden));
  value = register_module("value", torch::nn::Linear(options.hidden, options.hidden));
}

torch::Tensor BertSelfAttentionImpl::split_heads(const torch::Tensor& x) const {
  return x.view({x.size(0), x.size(1), heads_, head_dim_}).transpose(1, 2);
}

torch::Tensor BertSelfAttentionImpl::forward(const torch::Tensor& hidden, const torch::Tensor& attention_mask,
                                             AttentionObserver* observer, int64_t layer,
                                             const TokenLayout* layout) {
  // The projections run on whatever rows hidden has; attention needs the padded grid. Padded query rows of zeros
  // attend uniformly to the real keys and are dropped again by unpad.
  const auto grid = [&](const torch::Tensor& x) { return split_heads(layout != nullptr ? layout->pad(x) : x); };
  const torch::Tensor q = grid(query(hidden));  // (B, h, T, d)
  const torch::Tensor k = grid(key(hidden));    // (B, h, T, d)
  const torch::Tensor v = grid(value(hidden));  // (B, h, T, d)
  const int64_t batch = q.size(0);
  const int64_t length = q.size(2);
  // Under autocast q is bf16 while hidden may be fp32: the mask follows the scores' dtype. No mask at all when
  // every token is real, which lets CUDA pick the flash kernel (it takes no arbitrary mask).
  std::optional<torch::Tensor> mask;  // (B, 1, 1, T)
  if (attention_mask.defined()) mask = additive_key_mask(attention_mask, q.scalar_type());
  const double dropout_p = is_training() ? attention_dropout_ : 0.0;

  torch::Tensor context;  // (B, h, T, d)
  if (observer == nullptr) {
    context = at::scaled_dot_product_attention(q, k, v, mask, dropout_p, /*is_causal=*/false);
  } else {
    const double scale = 1.0 / std::sqrt(static_cast<double>(head_dim_));
    torch::Tensor scores = torch::matmul(q, k.transpose(-1, -2)) * scale;  // (B, h, T, T)
    if (mask) scores = scores + *mask;
    const torch::Tensor probs = torch::softmax(scores, -1);  // (B, h, T, T)
    const torch::Tensor dropped = dropout_p > 0.0 ? torch::dropout(probs, dropout_p, true) : probs;
    observer->observe(layer, observer->post_dropout() ? dropped : probs);
    // Under autocast softmax runs in fp32; matmul casts both operands back to the autocast dtype.
    context = torch::matmul(dropped, v);
  }
  const torch::Tensor merged = context.transpose(1, 2).reshape({batch, length, heads_ * head_dim_});  // (B, T, H)
  return layout != nullptr ? layout->unpad(merged) : merged;  // (N, H) or (B, T, H)
}

}  // namespace sasmlm
