#include "sasmlm/sas/arc_attention_regularizer.h"

#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/sas/arcs.h"
#include "sasmlm/sas/random_arcs.h"

#include <utility>

namespace sasmlm {

ArcAttentionRegularizer::ArcAttentionRegularizer(ArcAttentionOptions options) : options_(std::move(options)) {
  SASMLM_CHECK(options_.to_head || options_.to_dependent, "SAS regularizer needs at least one direction");
  SASMLM_CHECK(options_.reduction == ArcAttentionOptions::Reduction::kMax || options_.p >= 1.0,
               cat("SAS power-sum exponent must be >= 1, got ", options_.p));
  for (bool wanted : options_.layers) wanted_layers_ += wanted ? 1 : 0;
  SASMLM_CHECK(wanted_layers_ > 0, "SAS regularizer observes no layer");
}

bool ArcAttentionRegularizer::wants_layer(int64_t layer) const {
  return layer >= 0 && layer < int64_t(options_.layers.size()) && options_.layers[size_t(layer)];
}

void ArcAttentionRegularizer::begin(const torch::Tensor& heads, const torch::Tensor& attention_mask,
                                    uint64_t rng_key) {
  // No check that the previous batch finished: a forward that threw (and was skipped by the trainer) must not
  // wedge the regularizer; everything per-batch is rebuilt here.
  arcs_ = extract_arcs(heads, attention_mask);  // (A, 3)
  if (options_.arcs == ArcAttentionOptions::Arcs::kRandom) arcs_ = sample_random_arcs(arcs_, attention_mask, rng_key);
  batch_ = heads.size(0);
  length_ = heads.size(1);
  num_arcs_ = arcs_.size(0);

  // Index triples for one gather per layer: query_[n] attends to key_[n] in row row_[n].
  const torch::Tensor b = arcs_.select(1, 0), dependent = arcs_.select(1, 1), head = arcs_.select(1, 2);  // (A,)
  std::vector<torch::Tensor> rows, queries, keys;
  if (options_.to_head) {
    rows.push_back(b);
    queries.push_back(dependent);
    keys.push_back(head);
  }
  if (options_.to_dependent) {
    rows.push_back(b);
    queries.push_back(head);
    keys.push_back(dependent);
  }
  row_ = torch::cat(rows);       // (N,)
  query_ = torch::cat(queries);  // (N,)
  key_ = torch::cat(keys);       // (N,)
  observed_.assign(options_.layers.size(), false);
  observed_count_ = 0;
  running_ = torch::Tensor();
  device_ = heads.device();
  active_ = true;
}

void ArcAttentionRegularizer::move_indices_to(const torch::Device& device) {
  row_ = row_.to(device);
  query_ = query_.to(device);
  key_ = key_.to(device);
}

void ArcAttentionRegularizer::observe(int64_t layer, const torch::Tensor& probs) {
  SASMLM_CHECK(active_, "SAS regularizer: observe() outside begin()/finish()");
  if (!wants_layer(layer)) return;
  SASMLM_CHECK(!observed_[size_t(layer)], cat("SAS regularizer: layer ", layer, " observed twice"));
  SASMLM_CHECK(probs.dim() == 4 && probs.size(0) == batch_ && probs.size(2) == length_ && probs.size(3) == length_,
               cat("attention probabilities of layer ", layer, " are ", probs.sizes(), ", expected (", batch_,
                   ", H, ", length_, ", ", length_, ")"));
  observed_[size_t(layer)] = true;
  ++observed_count_;
  device_ = probs.device();
  if (row_.numel() == 0) return;
  if (row_.device() != probs.device()) move_indices_to(probs.device());

  // Only (N, H) values are gathered; autograd keeps the indices, not this layer's (B, H, T, T) tensor.
  const auto accumulate = probs.scalar_type() == torch::kFloat64 ? torch::kFloat64 : torch::kFloat32;
  const torch::Tensor gamma = probs.permute({0, 2, 3, 1}).index({row_, query_, key_}).to(accumulate);  // (N, H)
  if (options_.reduction == ArcAttentionOptions::Reduction::kMax) {
    const torch::Tensor layer_max = gamma.amax(1);  // (N,)
    running_ = running_.defined() ? torch::maximum(running_, layer_max) : layer_max;
  } else {
    const torch::Tensor layer_sum = gamma.pow(options_.p).sum(1);  // (N,)
    running_ = running_.defined() ? running_ + layer_sum : layer_sum;
  }
}

torch::Tensor ArcAttentionRegularizer::finish() {
  SASMLM_CHECK(active_, "SAS regularizer: finish() without begin()");
  active_ = false;
  torch::Tensor running = std::move(running_);
  running_ = torch::Tensor();
  SASMLM_CHECK(observed_count_ == wanted_layers_,
               cat("SAS regularizer observed ", observed_count_, " of its ", wanted_layers_,
                   " layers: the model did not report every wanted layer"));
  if (num_arcs_ == 0) return torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat32).device(device_));

  torch::Tensor r;  // 0-dim
  if (options_.reduction == ArcAttentionOptions::Reduction::kMax) {
    r = running.sum();
  } else {
    // The p-th root is over each direction's sum, per sequence or over the whole batch (the authors' grouping,
    // their get_batch_uniform_reg_val). Where a sum is 0 (no arcs in a sequence, or every arc entry dropped out)
    // the root's derivative is infinite; route it through a safe branch so the gradient is 0, not NaN.
    const int64_t directions = (options_.to_head ? 1 : 0) + (options_.to_dependent ? 1 : 0);
    torch::Tensor sums;  // (directions, groups)
    if (options_.normalizer.root_per_sequence()) {
      const torch::Tensor arc_rows = row_.view({directions, num_arcs_}).select(0, 0);  // (A,)
      sums = torch::zeros({directions, batch_}, running.options())
                 .index_add_(1, arc_rows, running.view({directions, num_arcs_}));
    } else {
      sums = running.view({directions, num_arcs_}).sum(1, /*keepdim=*/true);
    }
    const torch::Tensor positive = sums > 0;
    const torch::Tensor safe = torch::where(positive, sums, torch::ones_like(sums));
    r = torch::where(positive, safe.pow(1.0 / options_.p), torch::zeros_like(sums)).sum();
  }
  return r;
}

}  // namespace sasmlm
