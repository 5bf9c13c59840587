#include "sasmlm/model/embeddings.h"

#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"

namespace sasmlm {

namespace F = torch::nn::functional;

BertEmbeddingsImpl::BertEmbeddingsImpl(const BertOptions& options) : dropout_(options.dropout) {
  word_embeddings = register_module("word_embeddings", torch::nn::Embedding(options.vocab_size, options.hidden));
  position_embeddings =
      register_module("position_embeddings", torch::nn::Embedding(options.max_position, options.hidden));
  token_type_embeddings =
      register_module("token_type_embeddings", torch::nn::Embedding(options.type_vocab, options.hidden));
  LayerNorm = register_module(
      "LayerNorm",
      torch::nn::LayerNorm(torch::nn::LayerNormOptions({options.hidden}).eps(options.layer_norm_eps)));
}

torch::Tensor BertEmbeddingsImpl::forward(const torch::Tensor& input_ids) {
  SASMLM_CHECK(input_ids.dim() == 2 && input_ids.scalar_type() == torch::kInt64, "input_ids must be (B, T) int64");
  const int64_t length = input_ids.size(1);
  const int64_t max_position = position_embeddings->weight.size(0);
  if (length > max_position) {
    throw UserError(cat("sequence length ", length, " exceeds the model's position embeddings (model.max_position = ",
                        max_position, "); hint: lower data.max_seq_len or raise model.max_position"));
  }
  const torch::Tensor words = word_embeddings(input_ids);                  // (B, T, H)
  const torch::Tensor positions = position_embeddings->weight.narrow(0, 0, length);  // (T, H)
  const torch::Tensor token_type = token_type_embeddings->weight[0];                // (H,)
  const torch::Tensor summed = words + positions + token_type;                      // (B, T, H)
  return F::dropout(LayerNorm(summed), F::DropoutFuncOptions().p(dropout_).training(is_training()));
}

}  // namespace sasmlm
