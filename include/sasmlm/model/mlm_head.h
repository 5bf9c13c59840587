// BERT's masked-LM head with Hugging Face's names: cls.predictions.transform.{dense,LayerNorm} and
// cls.predictions.bias. The decoder has no weight of its own: it is the word embedding matrix (tied), passed in.
#pragma once

#include "sasmlm/model/bert_options.h"

#include <torch/torch.h>

namespace sasmlm {

// HF's BertPredictionHeadTransform: dense, GELU (erf), LayerNorm.
class PredictionTransformImpl : public torch::nn::Module {
 public:
  explicit PredictionTransformImpl(const BertOptions& options);
  // (M, H) -> (M, H)
  torch::Tensor forward(const torch::Tensor& hidden);

  torch::nn::Linear dense{nullptr};
  torch::nn::LayerNorm LayerNorm{nullptr};  // NOLINT: the name is Hugging Face's parameter name
};
TORCH_MODULE(PredictionTransform);

// HF's BertLMPredictionHead: transform, then the tied decoder plus an output bias (V,).
class LMPredictionHeadImpl : public torch::nn::Module {
 public:
  explicit LMPredictionHeadImpl(const BertOptions& options);
  // hidden (M, H), decoder_weight (V, H) (the word embeddings) -> logits (M, V)
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& decoder_weight);

  PredictionTransform transform{nullptr};
  torch::Tensor bias;  // (V,)
};
TORCH_MODULE(LMPredictionHead);

// HF's BertOnlyMLMHead: a wrapper that only contributes the `cls.predictions` name prefix.
class MLMHeadImpl : public torch::nn::Module {
 public:
  explicit MLMHeadImpl(const BertOptions& options);
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& decoder_weight);

  LMPredictionHead predictions{nullptr};
};
TORCH_MODULE(MLMHead);

}  // namespace sasmlm
