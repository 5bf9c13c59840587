// Saving and restoring everything an exact resume needs: model, optimizer, step, RNG states, loader position,
// counters, the resolved config and the tokenizer.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "sasmlm/model/bert.h"
#include "sasmlm/train/checkpoint.h"

namespace sasmlm {

struct TrainingCounters {
  int64_t step = 0;              // optimizer steps completed (= the loader's next step)
  int64_t nonfinite_steps = 0;   // skipped steps so far
  int64_t tokens_seen = 0;       // real tokens consumed, all ranks
  int64_t world_size = 1;        // ranks that trained up to `step` (a resume on another count warns)
};

struct TrainingSnapshot {
  BertForMaskedLM model{nullptr};
  torch::optim::Optimizer* optimizer = nullptr;
  TrainingCounters counters;
  std::string config_yaml;       // the resolved config (dump_config)
  std::string tokenizer_model;   // serialized tokenizer
  uint32_t tokenizer_checksum = 0;
};

// Writes `dir/step_XXXXXXXX.ckpt` atomically and returns its path.
std::string save_training_checkpoint(const std::string& dir, const TrainingSnapshot& snapshot);

// Restores model, optimizer, RNG states and counters into `snapshot` from a verified checkpoint. A model whose shape
// differs, or a tokenizer whose checksum differs, is a UserError naming the checkpoint.
void restore_training_checkpoint(const LoadedCheckpoint& checkpoint, TrainingSnapshot& snapshot);

// Model-only load (eval, export, fill-mask): builds the model from the checkpoint's own config.
struct LoadedModel {
  BertForMaskedLM model{nullptr};
  std::string config_yaml;
  std::string tokenizer_model;
  int64_t step = 0;
};
LoadedModel load_model_checkpoint(const std::string& path);

}  // namespace sasmlm
