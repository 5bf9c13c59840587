// The one Regularizer implementation behind every sas.variant: attention at arc positions, reduced over heads and
// layers (max or p-th powers), summed over arcs and directions. See regularizer.h for the definition.
#pragma once

#include "sasmlm/sas/regularizer.h"
#include "sasmlm/sas/sas_normalization.h"

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace sasmlm {

struct ArcAttentionOptions {
  enum class Reduction { kMax, kPowerSum };        // max: the paper's; power sum: the `uniform` variant
  enum class Arcs { kSyntactic, kRandom };         // kRandom: the random_arcs control

  Reduction reduction = Reduction::kMax;
  Arcs arcs = Arcs::kSyntactic;
  bool to_head = true;        // gamma(dependent -> head): the dependent's query attends to the head's key
  bool to_dependent = true;   // gamma(head -> dependent)
  std::vector<bool> layers;   // one flag per model layer: does its attention count
  SasNormalizer normalizer;   // kPowerSum: per_sequence takes the p-th root per sequence (else per batch)
  bool post_dropout = true;
  double p = 1.0;             // exponent for kPowerSum
};

class ArcAttentionRegularizer final : public Regularizer {
 public:
  explicit ArcAttentionRegularizer(ArcAttentionOptions options);

  bool wants_layer(int64_t layer) const override;
  bool post_dropout() const override { return options_.post_dropout; }
  void observe(int64_t layer, const torch::Tensor& probs) override;

  void begin(const torch::Tensor& heads, const torch::Tensor& attention_mask, uint64_t rng_key) override;
  torch::Tensor finish() override;
  int64_t num_arcs() const override { return num_arcs_; }
  torch::Tensor arcs() const override { return arcs_; }
  const SasNormalizer& normalizer() const override { return options_.normalizer; }

 private:
  void move_indices_to(const torch::Device& device);

  ArcAttentionOptions options_;
  int64_t wanted_layers_ = 0;

  // Per-batch state, set by begin() and cleared by finish().
  bool active_ = false;
  int64_t batch_ = 0, length_ = 0;
  int64_t num_arcs_ = 0;
  torch::Tensor arcs_;                          // (A, 3) [b, dependent, head]
  torch::Tensor row_, query_, key_;             // (N,) each, N = A per direction counted; to_head block first
  std::vector<bool> observed_;                  // per layer
  int64_t observed_count_ = 0;
  torch::Device device_ = torch::kCPU;           // where R lives: the probabilities' device once observed
  torch::Tensor running_;                       // (N,) max over layers and heads, or sum of alpha^p
};

}  // namespace sasmlm
