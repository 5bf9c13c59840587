// BERT's input embeddings (HF's BertEmbeddings): word + learned position + token type, then LayerNorm and dropout.
#pragma once

#include "sasmlm/model/bert_options.h"

#include <torch/torch.h>

namespace sasmlm {

class BertEmbeddingsImpl : public torch::nn::Module {
 public:
  explicit BertEmbeddingsImpl(const BertOptions& options);
  // input_ids (B, T) int64 -> (B, T, H). Positions are 0..T-1; every token has token type 0 (single segment), so
  // no position_ids / token_type_ids buffers are needed.
  torch::Tensor forward(const torch::Tensor& input_ids);

  torch::nn::Embedding word_embeddings{nullptr};
  torch::nn::Embedding position_embeddings{nullptr};
  torch::nn::Embedding token_type_embeddings{nullptr};
  torch::nn::LayerNorm LayerNorm{nullptr};  // NOLINT: the name is Hugging Face's parameter name

 private:
  double dropout_;
};
TORCH_MODULE(BertEmbeddings);

}  // namespace sasmlm
