// Scoped eval mode for the probes: dropout off while they run, the caller's train/eval mode restored afterwards
// (also when a probe throws).
#pragma once

#include "sasmlm/model/bert.h"

namespace sasmlm {

class EvalModeGuard {
 public:
  explicit EvalModeGuard(BertForMaskedLM& model) : model_(model), was_training_(model->is_training()) {
    model_->eval();
  }
  ~EvalModeGuard() {
    if (was_training_) model_->train();
  }
  EvalModeGuard(const EvalModeGuard&) = delete;
  EvalModeGuard& operator=(const EvalModeGuard&) = delete;

 private:
  BertForMaskedLM& model_;
  bool was_training_;
};

}  // namespace sasmlm
