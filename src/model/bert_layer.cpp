#include "sasmlm/model/bert_layer.h"

namespace sasmlm {

namespace F = torch::nn::functional;

ResidualOutputImpl::ResidualOutputImpl(int64_t in_features, const BertOptions& options) : dropout_(options.dropout) {
  dense = register_module("dense", torch::nn::Linear(in_features, options.hidden));
  LayerNorm = register_module(
      "LayerNorm",
      torch::nn::LayerNorm(torch::nn::LayerNormOptions({options.hidden}).eps(options.layer_norm_eps)));
}

torch::Tensor ResidualOutputImpl::forward(const torch::Tensor& x, const torch::Tensor& residual) {
  const torch::Tensor projected = F::dropout(dense(x), F::DropoutFuncOptions().p(dropout_).training(is_training()));
  return LayerNorm(projected + residual);
}

BertAttentionImpl::BertAttentionImpl(const BertOptions& options) {
  self = register_module("self", BertSelfAttention(options));
  output = register_module("output", ResidualOutput(options.hidden, options));
}

torch::Tensor BertAttentionImpl::forward(const torch::Tensor& hidden, const torch::Tensor& attention_mask,
                                         AttentionObserver* observer, int64_t layer, const TokenLayout* layout) {
  return output(self(hidden, attention_mask, observer, layer, layout), hidden);
}

BertIntermediateImpl::BertIntermediateImpl(const BertOptions& options) {
  dense = register_module("dense", torch::nn::Linear(options.hidden, options.intermediate));
}

torch::Tensor BertIntermediateImpl::forward(const torch::Tensor& hidden) {
  return torch::gelu(dense(hidden));  // exact (erf) GELU, as BERT's "gelu"
}

BertLayerImpl::BertLayerImpl(const BertOptions& options) {
  attention = register_module("attention", BertAttention(options));
  intermediate = register_module("intermediate", BertIntermediate(options));
  output = register_module("output", ResidualOutput(options.intermediate, options));
}

torch::Tensor BertLayerImpl::forward(const torch::Tensor& hidden, const torch::Tensor& attention_mask,
                                     AttentionObserver* observer, int64_t layer, const TokenLayout* layout) {
  const torch::Tensor attended = attention(hidden, attention_mask, observer, layer, layout);  // (B, T, H) or (N, H)
  return output(intermediate(attended), attended);
}

}  // namespace sasmlm
