// A finished training batch: everything the trainer, model and regularizer need, already masked.
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace sasmlm {

struct Batch {
  torch::Tensor input_ids;       // (B, T) int64, after masking; padded with [PAD]
  torch::Tensor attention_mask;  // (B, T) bool, true at real tokens (incl. [CLS]/[SEP]), false at padding
  torch::Tensor mlm_positions;   // (M,) int64, flat indices b*T+t of the positions to predict
  torch::Tensor mlm_labels;      // (M,) int64, original token ids at mlm_positions
  torch::Tensor heads;           // (B, T) int64, position of the syntactic head's piece in the same row, -1 if none
  torch::Tensor word_index;      // (B, T) int32, 0-based word index within its sentence, -1 for specials/padding
  torch::Tensor sequence_ids;    // (B,) int64, global ids of the sequences (for checks and random_arcs keys)
  torch::Tensor parsed;          // (B,) bool, true for sequences from parsed (CoNLL-U) text, false for plain text
  int64_t step = 0;              // optimizer step this batch belongs to
  int64_t num_real_tokens = 0;   // sum of attention_mask

  // Moves every tensor to `device` (non_blocking from pinned host memory on CUDA).
  Batch to(const torch::Device& device, bool non_blocking = false) const;
  // The same batch in page-locked host memory (needs CUDA): a non_blocking upload from it neither waits for the
  // device nor stages through a pageable copy, so the trainer's host thread keeps launching work.
  Batch pinned() const;
};

}  // namespace sasmlm
