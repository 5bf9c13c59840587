// One post-LN transformer layer of BERT, with Hugging Face's module names:
//   attention.self.{query,key,value}, attention.output.{dense,LayerNorm}, intermediate.dense,
//   output.{dense,LayerNorm}.
#pragma once

#include "sasmlm/model/attention.h"
#include "sasmlm/model/attention_observer.h"
#include "sasmlm/model/bert_options.h"

#include <torch/torch.h>

#include <cstdint>

namespace sasmlm {

// HF's BertSelfOutput / BertOutput: LayerNorm(dropout(dense(x)) + residual).
class ResidualOutputImpl : public torch::nn::Module {
 public:
  ResidualOutputImpl(int64_t in_features, const BertOptions& options);
  // x (..., in_features), residual (..., H) -> (..., H): (B, T, .) or unpadded (N, .)
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& residual);

  torch::nn::Linear dense{nullptr};
  torch::nn::LayerNorm LayerNorm{nullptr};  // NOLINT: the name is Hugging Face's parameter name

 private:
  double dropout_;
};
TORCH_MODULE(ResidualOutput);

// HF's BertAttention: self-attention followed by its output projection and residual LayerNorm.
class BertAttentionImpl : public torch::nn::Module {
 public:
  explicit BertAttentionImpl(const BertOptions& options);
  // hidden (B, T, H), attention_mask (B, T) bool -> (B, T, H); observer and layout as in BertSelfAttention.
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& attention_mask,
                        AttentionObserver* observer, int64_t layer, const TokenLayout* layout = nullptr);

  BertSelfAttention self{nullptr};
  ResidualOutput output{nullptr};
};
TORCH_MODULE(BertAttention);

// HF's BertIntermediate: the FFN's first projection followed by GELU (erf form).
class BertIntermediateImpl : public torch::nn::Module {
 public:
  explicit BertIntermediateImpl(const BertOptions& options);
  // (B, T, H) -> (B, T, intermediate)
  torch::Tensor forward(const torch::Tensor& hidden);

  torch::nn::Linear dense{nullptr};
};
TORCH_MODULE(BertIntermediate);

// HF's BertLayer: attention, then FFN, each with a residual connection and post-LayerNorm.
class BertLayerImpl : public torch::nn::Module {
 public:
  explicit BertLayerImpl(const BertOptions& options);
  // hidden (B, T, H), attention_mask (B, T) bool -> (B, T, H). observer == nullptr: fast attention path.
  // layout != nullptr: hidden and the result are the real tokens only, (N, H) (see TokenLayout).
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& attention_mask,
                        AttentionObserver* observer, int64_t layer, const TokenLayout* layout = nullptr);

  BertAttention attention{nullptr};
  BertIntermediate intermediate{nullptr};
  ResidualOutput output{nullptr};
};
TORCH_MODULE(BertLayer);

}  // namespace sasmlm
