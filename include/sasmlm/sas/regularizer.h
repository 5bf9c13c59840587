// The SAS regularizer R of Chen et al. (ICLR 2024, arXiv 2309.07311): how much attention the model puts on
// syntactic dependency arcs. The trainer adds lambda(t) * R to the MLM loss (lambda > 0 suppresses SAS, < 0 promotes).
//
// Definition (the authors' run_mlm_reg_depparse.py, checked against it by scripts/sas_reference.py):
//   gamma(a -> b) = attention probability from query a to key b, maximised over all heads and all (chosen) layers;
//   max:     R = sum over arcs (dependent i, head h) of gamma(i -> h) + gamma(h -> i)
//   uniform: R = sum over directions d of ( sum over arcs, layers, heads of alpha_d^p )^(1/p), the p-th root taken
//            of each sequence's sum (sas.normalization per_sequence) or of the whole micro-batch's sum (the other
//            normalizations: exactly the authors' get_batch_uniform_reg_val). For p = 1, their default, both equal
//            replacing the max by a sum over layers and heads.
//   random_arcs: the max loss on random non-syntactic pairs of the same count and signed distances (a control).
//
// Per batch: begin(heads, mask, key) -> model forward calls observe(layer, probs) per wanted layer -> finish().
// observe() gathers only the arc entries of a layer's (B, H, T, T) probabilities, (N, H), reduces them over heads
// and folds them into a running (N,) max / sum, so no layer's full tensor is kept alive by the regularizer.
//
// Ties in the max: the gradient follows torch::amax within a layer (split evenly between tied heads) and
// torch::maximum across layers (split half-half between the running value and the new layer's value).
//
// Precision: arc values are gathered and then reduced in fp32 (fp64 when probs are fp64, as in gradient tests);
// R is a 0-dim tensor on the probabilities' device.
#pragma once

#include "sasmlm/config/config.h"
#include "sasmlm/model/attention_observer.h"
#include "sasmlm/sas/sas_normalization.h"

#include <torch/torch.h>

#include <cstdint>
#include <memory>

namespace sasmlm {

class Regularizer : public AttentionObserver {
 public:
  // Before the forward. heads: (B, T) int64, the head's piece position in the same row, -1 = no arc;
  // attention_mask: (B, T) bool, true at real tokens; rng_key: for variants that sample (random_arcs).
  // Extracts the arc list (a host sync: the arc count decides the index shapes). Starts afresh: an unfinished
  // previous batch (its forward threw) is discarded.
  virtual void begin(const torch::Tensor& heads, const torch::Tensor& attention_mask, uint64_t rng_key) = 0;
  // After the forward: R of the batch, summed over its arcs (not normalised: the train step divides the step's
  // sum, see sas_normalization.h), as a 0-dim tensor in the autograd graph (zero when the batch has no arcs).
  // Checks that every wanted layer was observed once, then clears the per-batch state.
  virtual torch::Tensor finish() = 0;
  // Arcs of the current batch (for random_arcs: the sampled pairs). Valid between begin() and the next begin().
  virtual int64_t num_arcs() const = 0;
  // (A, 3) int64 rows [batch row, dependent position, head position], on the heads' device.
  virtual torch::Tensor arcs() const = 0;
  // How the train step normalises the sum of finish() over a step (sas.normalization).
  virtual const SasNormalizer& normalizer() const = 0;
};

// Builds the regularizer named by config.variant (max | uniform | random_arcs) for a model with num_layers layers.
// Bad option values (unknown names, p < 1, layers out of range or repeated) throw UserError naming the sas.* key.
std::unique_ptr<Regularizer> make_regularizer(const SasConfig& config, int64_t num_layers);

// Whether a step with this SAS weight needs attention probabilities at all. When false the trainer attaches no
// observer and the model keeps its fast attention path: lambda = 0 costs nothing.
inline bool wants_attention(double lambda) { return lambda != 0.0; }

}  // namespace sasmlm
