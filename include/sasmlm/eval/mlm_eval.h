// Held-out MLM loss and accuracy with a fixed masking seed, so checkpoints are comparable.
#pragma once

#include <cstdint>

#include "sasmlm/data/masking.h"
#include "sasmlm/data/sequence_source.h"
#include "sasmlm/model/bert.h"

namespace sasmlm {

struct MlmEvalResult {
  double loss = 0;         // mean cross-entropy over masked tokens
  double accuracy = 0;     // top-1 accuracy over masked tokens
  int64_t masked = 0;      // masked tokens scored
  int64_t sequences = 0;   // sequences read
  // The paper's R per arc on the held-out batches: mean over arcs of gamma(i -> h) + gamma(h -> i), gamma the
  // attention probability maximised over all layers and heads, in eval mode (no dropout); range [0, 2].
  // Measured for every run, regularised or not, so conditions compare on the same scale.
  double sas_r_per_arc = 0;
  int64_t arcs = 0;        // dependency arcs scored
};

// The first max_batches * batch_size sequences of `source`, in order, masked with `mask_seed`; eval mode, no grad.
// The model's train/eval mode is restored afterwards. Also measures R per arc (see MlmEvalResult) on the same batches.
MlmEvalResult evaluate_mlm(BertForMaskedLM& model, const SequenceSource& source, const MaskingOptions& masking,
                           uint64_t mask_seed, int64_t batch_size, int64_t max_batches, const torch::Device& device);

}  // namespace sasmlm
