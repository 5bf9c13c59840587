#include "sasmlm/data/batch.h"

namespace sasmlm {

Batch Batch::pinned() const {
  Batch out = *this;
  auto pin = [](const torch::Tensor& t) { return t.defined() ? t.pin_memory() : t; };
  out.input_ids = pin(input_ids);
  out.attention_mask = pin(attention_mask);
  out.mlm_positions = pin(mlm_positions);
  out.mlm_labels = pin(mlm_labels);
  out.heads = pin(heads);
  out.word_index = pin(word_index);
  out.sequence_ids = pin(sequence_ids);
  out.parsed = pin(parsed);
  return out;
}

Batch Batch::to(const torch::Device& device, bool non_blocking) const {
  if (input_ids.device() == device) return *this;
  Batch out = *this;
  auto move = [&](const torch::Tensor& t) { return t.defined() ? t.to(device, non_blocking) : t; };
  out.input_ids = move(input_ids);
  out.attention_mask = move(attention_mask);
  out.mlm_positions = move(mlm_positions);
  out.mlm_labels = move(mlm_labels);
  out.heads = move(heads);
  out.word_index = move(word_index);
  out.sequence_ids = move(sequence_ids);
  out.parsed = move(parsed);
  return out;
}

}  // namespace sasmlm
