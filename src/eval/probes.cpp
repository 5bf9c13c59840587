#include "sasmlm/eval/probes.h"

#include <chrono>

#include "sasmlm/eval/blimp.h"
#include "sasmlm/eval/twonn.h"

namespace sasmlm {

Probes::Probes(const EvalConfig& config, const Tokenizer& tokenizer) : config_(config), tokenizer_(tokenizer) {
  if (!config_.uas.empty()) uas_ = read_uas_corpus(config_.uas, tokenizer_, config_.uas_max_sentences);
  if (!config_.blimp.empty()) blimp_ = read_blimp_dir(config_.blimp, config_.blimp_max_pairs);
}

nlohmann::json Probes::run(BertForMaskedLM& model, const torch::Device& device) const {
  const auto start = std::chrono::steady_clock::now();
  nlohmann::json out = nlohmann::json::object();
  if (uas_) out.update(uas_to_json(evaluate_uas(model, *uas_, config_.batch_size, device)));
  if (!blimp_.empty()) {
    out["blimp"] = blimp_to_json(evaluate_blimp(model, tokenizer_, blimp_, config_.blimp_batch_copies, device));
  }
  if (uas_ && config_.twonn_tokens > 0) {
    // The fixed masking seed also fixes the sampled tokens, so every checkpoint is measured on the same sample.
    out["twonn"] = twonn_per_layer(model, uas_->ids, config_.twonn_tokens, uint64_t(config_.mask_seed), device);
  }
  out["eval_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace sasmlm
