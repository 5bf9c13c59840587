// How the model hands attention probabilities to whoever asked (the SAS regularizer, the UAS probe).
//
// The model never stacks all layers' (B, H, T, T) probabilities: it calls observe() once per layer, right after
// computing that layer's probabilities, and the observer reduces them at once (e.g. a running max at arc
// positions) so each layer's full tensor can be freed as early as autograd allows.
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace sasmlm {

class AttentionObserver {
 public:
  virtual ~AttentionObserver() = default;
  // Whether layer `layer` (0-based) is wanted; unwanted layers take the fast path.
  virtual bool wants_layer(int64_t layer) const = 0;
  // True: probabilities after attention dropout (as Hugging Face returns them); false: before.
  virtual bool post_dropout() const = 0;
  // probs: (B, H, T, T), rows = queries, columns = keys; padded keys carry 0. Part of the autograd graph.
  virtual void observe(int64_t layer, const torch::Tensor& probs) = 0;
};

}  // namespace sasmlm
