// `sasmlm fill-mask` on a saved checkpoint (in sasmlm_lib_eval_run, which may read checkpoints).
#pragma once

#include <cstdint>
#include <string>

namespace sasmlm {

struct FillMaskRequest {
  std::string checkpoint;
  std::string text;          // used when ids is empty: [CLS] encode_text(text) [SEP]
  std::string ids;           // "ID ID ...", used as given
  int64_t top_k = 5;
  bool json = false;         // docs/INTERFACE.md's JSON instead of the table
  std::string dump_logits;   // when set: a safetensors file with "logits" (T, V) float32 and "input_ids" (T,) int64
};

// Runs the model on the CPU and returns what the command prints (JSON on one line, or the table).
std::string run_fill_mask(const FillMaskRequest& request);

}  // namespace sasmlm
