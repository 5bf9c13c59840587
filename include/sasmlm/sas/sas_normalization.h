// What lambda multiplies: R of a whole optimizer step divided by one count of that step (sas.normalization).
//
// The train step sums R over its micro-batches (all ranks) and divides by a count of the same step, all ranks
// together, so the term's size does not depend on how the step is split into micro-batches or ranks:
//   per_sequence (default): the number of parsed sequences (those from CoNLL-U; plain-text ones carry no arcs), so
//                 lambda multiplies the arc sum of one sequence, averaged over the step's parsed sequences;
//   authors:      the step's sequences / sas.authors_micro_batch. This is what the authors' code did: their
//                 compute_loss adds lambda_reg * R summed over one per-device micro-batch, and the HF Trainer divides
//                 by the accumulation steps and DDP averages over ranks. With authors_micro_batch = their
//                 --per_device_train_batch_size, lambda here is their --lambda_reg;
//   per_arc / per_token: the step's arcs / real tokens ([CLS]/[SEP] included);
//   none:         1 (R summed over every arc of the step: grows with the batch).
// Equivalence: per_sequence lambda = authors lambda * authors_micro_batch * (parsed sequences / sequences).
//
// The uniform variant's p-th root (p != 1) is taken of each sequence's sum under per_sequence, and of each
// micro-batch's sum otherwise (the authors' grouping; it then depends on the micro-batch size, as theirs did).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "sasmlm/config/config.h"

namespace sasmlm {

enum class SasNormalization { kPerSequence, kAuthors, kPerArc, kPerToken, kNone };

// The counts one optimizer step is normalised by; summed over micro-batches, then over ranks.
struct SasCounts {
  double sequences = 0;         // rows of the batches
  double parsed_sequences = 0;  // rows from parsed (CoNLL-U) text
  double arcs = 0;              // pieces carrying an arc
  double tokens = 0;            // real tokens, [CLS]/[SEP] included

  SasCounts& operator+=(const SasCounts& other);
};

// Counts of one batch. heads: (B, T) int64 (-1 = no arc); attention_mask: (B, T) bool; parsed: (B,) bool, or
// undefined for a batch built without it (every row parsed). On the host (the batch before it moves to the
// device), so counting costs no device sync.
SasCounts count_sas(const torch::Tensor& heads, const torch::Tensor& attention_mask, const torch::Tensor& parsed);

struct SasNormalizer {
  SasNormalization kind = SasNormalization::kPerSequence;
  int64_t authors_micro_batch = 64;  // kAuthors: their per-device micro-batch

  // From sas.normalization and sas.authors_micro_batch; UserError naming the key for a bad value.
  static SasNormalizer from(const SasConfig& config);
  // Whether the uniform variant's root is taken per sequence (per_sequence) or per micro-batch (the others).
  bool root_per_sequence() const { return kind == SasNormalization::kPerSequence; }
  // What the step's summed R is divided by (>= 1 where the count is 0: a step without arcs adds 0 either way).
  double denominator(const SasCounts& step) const;
};

}  // namespace sasmlm
