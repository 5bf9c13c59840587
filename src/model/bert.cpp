#include "sasmlm/model/bert.h"

#include "sasmlm/core/error.h"

#include <set>

namespace sasmlm {

BertForMaskedLMImpl::BertForMaskedLMImpl(const BertOptions& options) : options_(options) {
  validate_bert_options(options_, "model");
  bert = register_module("bert", BertModel(options_));
  cls = register_module("cls", MLMHead(options_));
  init_weights();
}

void BertForMaskedLMImpl::init_weights() {
  torch::NoGradGuard no_grad;
  const double std = options_.init_std;
  for (const auto& module : modules(/*include_self=*/false)) {
    if (auto* linear = module->as<torch::nn::Linear>()) {
      linear->weight.normal_(0.0, std);
      linear->bias.zero_();
    } else if (auto* embedding = module->as<torch::nn::Embedding>()) {
      embedding->weight.normal_(0.0, std);
    } else if (auto* norm = module->as<torch::nn::LayerNorm>()) {
      norm->weight.fill_(1.0);
      norm->bias.zero_();
    }
  }
  cls->predictions->bias.zero_();
}

torch::Tensor BertForMaskedLMImpl::encode(const torch::Tensor& input_ids, const torch::Tensor& attention_mask,
                                          AttentionObserver* observer, int64_t real_tokens) {
  return bert->forward(input_ids, attention_mask, observer, real_tokens);
}

torch::Tensor BertForMaskedLMImpl::mlm_logits(const torch::Tensor& hidden, const torch::Tensor& positions) {
  SASMLM_CHECK(hidden.dim() == 3, "hidden must be (B, T, H)");
  SASMLM_CHECK(positions.dim() == 1 && positions.scalar_type() == torch::kInt64, "positions must be (M,) int64");
  const torch::Tensor rows = hidden.reshape({-1, hidden.size(2)}).index_select(0, positions);  // (M, H)
  return cls(rows, bert->embeddings->word_embeddings->weight);                                 // (M, V)
}

int64_t count_parameters(const torch::nn::Module& module) {
  std::set<const void*> seen;
  int64_t total = 0;
  for (const torch::Tensor& p : module.parameters(/*recurse=*/true)) {
    if (seen.insert(p.unsafeGetTensorImpl()).second) total += p.numel();
  }
  return total;
}

}  // namespace sasmlm
