// BertForMaskedLM: the encoder (`bert.*`) and the masked-LM head (`cls.*`), with parameter names identical to
// Hugging Face's BertForMaskedLM state dict (so export/import is a rename-free copy).
//
// The trainer calls encode() once, then mlm_logits() only at the masked positions: the vocabulary projection, the
// largest matmul of a small model, is done for ~15% of the tokens instead of all of them.
#pragma once

#include "sasmlm/model/attention_observer.h"
#include "sasmlm/model/bert_model.h"
#include "sasmlm/model/bert_options.h"
#include "sasmlm/model/mlm_head.h"

#include <torch/torch.h>

#include <cstdint>

namespace sasmlm {

class BertForMaskedLMImpl : public torch::nn::Module {
 public:
  // Builds the modules and initialises them as HF's _init_weights: Linear/Embedding weights N(0, init_std), biases
  // 0, LayerNorm 1/0, output bias 0. Draws from torch's default generator (seed it with torch::manual_seed).
  explicit BertForMaskedLMImpl(const BertOptions& options);

  // input_ids (B, T) int64, attention_mask (B, T) bool (true = real token) -> hidden states (B, T, H).
  // token_type_ids are all zero. observer may be null (fast path everywhere); otherwise the layers it wants take
  // the probability path and hand it their (B, heads, T, T) probabilities.
  // An undefined attention_mask means every token is real: pass it when a batch has no padding (e.g.
  // Batch::num_real_tokens == B * T), so CUDA can use the flash kernel, which takes no mask. real_tokens: the
  // mask's count of real tokens when known (Batch::num_real_tokens), so unpadding needs no device-to-host sync.
  torch::Tensor encode(const torch::Tensor& input_ids, const torch::Tensor& attention_mask,
                       AttentionObserver* observer = nullptr, int64_t real_tokens = -1);

  // hidden (B, T, H), positions (M,) int64 flat indices b*T+t -> logits (M, V)
  torch::Tensor mlm_logits(const torch::Tensor& hidden, const torch::Tensor& positions);

  const BertOptions& options() const { return options_; }

  BertModel bert{nullptr};
  MLMHead cls{nullptr};

 private:
  void init_weights();

  BertOptions options_;
};
TORCH_MODULE(BertForMaskedLM);

// Number of parameter elements, each distinct tensor counted once (a tied weight counts once).
int64_t count_parameters(const torch::nn::Module& module);

}  // namespace sasmlm
