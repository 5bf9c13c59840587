#include "sasmlm/model/bert_model.h"

#include "sasmlm/core/error.h"

namespace sasmlm {

BertEncoderImpl::BertEncoderImpl(const BertOptions& options) : unpad_(options.unpad) {
  layer = register_module("layer", torch::nn::ModuleList());
  for (int64_t l = 0; l < options.layers; ++l) {
    layers_.push_back(BertLayer(options));
    layer->push_back(layers_.back());
  }
}

torch::Tensor BertEncoderImpl::forward(torch::Tensor hidden, const torch::Tensor& attention_mask,
                                       AttentionObserver* observer, int64_t real_tokens) {
  const std::optional<TokenLayout> layout = unpad_ ? TokenLayout::from_mask(attention_mask, real_tokens) : std::nullopt;
  if (layout) hidden = layout->unpad(hidden);  // (N, H)
  for (size_t l = 0; l < layers_.size(); ++l) {
    const auto index = static_cast<int64_t>(l);
    AttentionObserver* wanted = observer != nullptr && observer->wants_layer(index) ? observer : nullptr;
    hidden = layers_[l](hidden, attention_mask, wanted, index, layout ? &*layout : nullptr);
  }
  return layout ? layout->pad(hidden) : hidden;  // (B, T, H)
}

BertModelImpl::BertModelImpl(const BertOptions& options) {
  embeddings = register_module("embeddings", BertEmbeddings(options));
  encoder = register_module("encoder", BertEncoder(options));
}

torch::Tensor BertModelImpl::forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask,
                                     AttentionObserver* observer, int64_t real_tokens) {
  if (attention_mask.defined()) {
    SASMLM_CHECK(attention_mask.dim() == 2 && attention_mask.scalar_type() == torch::kBool,
                 "attention_mask must be (B, T) bool");
    SASMLM_CHECK(attention_mask.sizes() == input_ids.sizes(), "attention_mask and input_ids must have the same shape");
  }
  return encoder->forward(embeddings(input_ids), attention_mask, observer, real_tokens);
}

}  // namespace sasmlm
