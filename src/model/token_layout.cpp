#include "sasmlm/model/token_layout.h"

#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"

namespace sasmlm {

TokenLayout::TokenLayout(torch::Tensor index, int64_t batch, int64_t length)
    : index_(std::move(index)), batch_(batch), length_(length) {}

std::optional<TokenLayout> TokenLayout::from_mask(const torch::Tensor& attention_mask, int64_t real_tokens) {
  if (!attention_mask.defined()) return std::nullopt;
  SASMLM_CHECK(attention_mask.dim() == 2 && attention_mask.scalar_type() == torch::kBool,
               "attention_mask must be (B, T) bool");
  SASMLM_CHECK(real_tokens <= attention_mask.numel(),
               cat("real_tokens (", real_tokens, ") exceeds the mask's ", attention_mask.numel(), " positions"));
  if (real_tokens == attention_mask.numel()) return std::nullopt;
  // nonzero() must read its output size back from the device; with the count known, nonzero_static does not.
  torch::Tensor index = real_tokens >= 0 ? at::nonzero_static(attention_mask.reshape({-1}), real_tokens).squeeze(1)
                                         : attention_mask.reshape({-1}).nonzero().squeeze(1);  // (N,)
  if (index.size(0) == attention_mask.numel()) return std::nullopt;
  return TokenLayout(std::move(index), attention_mask.size(0), attention_mask.size(1));
}

torch::Tensor TokenLayout::unpad(const torch::Tensor& padded) const {
  SASMLM_CHECK(padded.dim() == 3 && padded.size(0) == batch_ && padded.size(1) == length_,
               "unpad expects (B, T, C) of the layout's batch");
  return padded.reshape({batch_ * length_, padded.size(2)}).index_select(0, index_);
}

torch::Tensor TokenLayout::pad(const torch::Tensor& packed) const {
  SASMLM_CHECK(packed.dim() == 2 && packed.size(0) == index_.size(0), "pad expects (N, C) of the layout's tokens");
  const int64_t channels = packed.size(1);
  return torch::zeros({batch_ * length_, channels}, packed.options())
      .index_copy(0, index_, packed)
      .view({batch_, length_, channels});
}

}  // namespace sasmlm
