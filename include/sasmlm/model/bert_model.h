// BERT's encoder stack (HF's BertModel without the pooler, as BertForMaskedLM builds it):
// `embeddings` followed by `encoder.layer.<i>`.
#pragma once

#include "sasmlm/model/attention_observer.h"
#include "sasmlm/model/bert_layer.h"
#include "sasmlm/model/bert_options.h"
#include "sasmlm/model/embeddings.h"

#include <torch/torch.h>

#include <vector>

namespace sasmlm {

// HF's BertEncoder: the list of layers, registered as `layer.0`, `layer.1`, ...
class BertEncoderImpl : public torch::nn::Module {
 public:
  explicit BertEncoderImpl(const BertOptions& options);
  // hidden (B, T, H), attention_mask (B, T) bool -> (B, T, H). Layer l takes the probability path exactly when
  // observer != nullptr && observer->wants_layer(l). With options.unpad and padding in the mask, the layers run
  // on the real tokens only; the result is zero at padded positions. real_tokens: the mask's count of real tokens
  // if known (no device-to-host sync for unpadding), else -1.
  torch::Tensor forward(torch::Tensor hidden, const torch::Tensor& attention_mask, AttentionObserver* observer,
                        int64_t real_tokens = -1);

  torch::nn::ModuleList layer{nullptr};

 private:
  bool unpad_;
  std::vector<BertLayer> layers_;  // the same modules as `layer`, typed for calling forward
};
TORCH_MODULE(BertEncoder);

class BertModelImpl : public torch::nn::Module {
 public:
  explicit BertModelImpl(const BertOptions& options);
  // input_ids (B, T) int64, attention_mask (B, T) bool or undefined (= all real) -> hidden states (B, T, H).
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask,
                        AttentionObserver* observer, int64_t real_tokens = -1);

  BertEmbeddings embeddings{nullptr};
  BertEncoder encoder{nullptr};
};
TORCH_MODULE(BertModel);

}  // namespace sasmlm
