#include "sasmlm/model/mlm_head.h"

namespace sasmlm {

PredictionTransformImpl::PredictionTransformImpl(const BertOptions& options) {
  dense = register_module("dense", torch::nn::Linear(options.hidden, options.hidden));
  LayerNorm = register_module(
      "LayerNorm",
      torch::nn::LayerNorm(torch::nn::LayerNormOptions({options.hidden}).eps(options.layer_norm_eps)));
}

torch::Tensor PredictionTransformImpl::forward(const torch::Tensor& hidden) {
  return LayerNorm(torch::gelu(dense(hidden)));
}

LMPredictionHeadImpl::LMPredictionHeadImpl(const BertOptions& options) {
  transform = register_module("transform", PredictionTransform(options));
  bias = register_parameter("bias", torch::zeros({options.vocab_size}));
}

torch::Tensor LMPredictionHeadImpl::forward(const torch::Tensor& hidden, const torch::Tensor& decoder_weight) {
  return torch::nn::functional::linear(transform(hidden), decoder_weight, bias);  // (M, V)
}

MLMHeadImpl::MLMHeadImpl(const BertOptions& options) {
  predictions = register_module("predictions", LMPredictionHead(options));
}

torch::Tensor MLMHeadImpl::forward(const torch::Tensor& hidden, const torch::Tensor& decoder_weight) {
  return predictions(hidden, decoder_weight);
}

}  // namespace sasmlm
