#include "sasmlm/data/batch.h"

namespace sasmlm {
namespace {

// Every tensor field of a Batch, listed once for to() and pinned().
constexpr torch::Tensor Batch::*kTensorFields[] = {&Batch::input_ids, &Batch::attention_mask, &Batch::mlm_positions,
                                                   &Batch::mlm_labels, &Batch::heads,          &Batch::word_index,
                                                   &Batch::sequence_ids, &Batch::parsed};

template <class Fn>
Batch map_tensors(const Batch& batch, Fn fn) {
  Batch out = batch;
  for (torch::Tensor Batch::*field : kTensorFields) {
    if ((batch.*field).defined()) out.*field = fn(batch.*field);
  }
  return out;
}

}  // namespace

Batch Batch::pinned() const {
  return map_tensors(*this, [](const torch::Tensor& t) { return t.pin_memory(); });
}

Batch Batch::to(const torch::Device& device, bool non_blocking) const {
  if (input_ids.device() == device) return *this;
  return map_tensors(*this, [&](const torch::Tensor& t) { return t.to(device, non_blocking); });
}

}  // namespace sasmlm
