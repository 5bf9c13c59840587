// Dynamic MLM masking as a pure function of (batch, key).
//
// Each token's fate depends only on (key, sequence id, position), so the same sequence is masked identically
// whatever batch, rank or micro-batch it lands in, and resuming needs no RNG state at all.
#pragma once

#include <cstdint>

#include "sasmlm/config/config.h"
#include "sasmlm/data/batch.h"
#include "sasmlm/data/tokenizer.h"

namespace sasmlm {

struct MaskingOptions {
  double mask_prob = 0.15;            // share of maskable tokens selected for prediction
  double mask_replace_prob = 0.8;     // of selected: replaced by [MASK]
  double random_replace_prob = 0.1;   // of selected: replaced by a random non-special token
  int64_t vocab_size = 0;             // random replacements are drawn from [0, vocab_size) minus the specials
  // The vocabulary's special ids (a WordPiece vocab.txt has its own; sasmlm's SentencePiece models use 0-4).
  int32_t pad_id = kPadId, cls_id = kClsId, sep_id = kSepId, mask_id = kMaskId, unk_id = kUnkId;
};

// From data.* and the tokenizer's vocabulary size and special ids.
MaskingOptions masking_options_from(const DataConfig& config, const Tokenizer& tokenizer);

// Reads batch.input_ids as the clean tokens; returns a copy whose input_ids are corrupted and whose mlm_positions /
// mlm_labels name the selected tokens. [PAD], [CLS], [SEP], [MASK] and padding positions are never selected.
Batch apply_masking(const Batch& clean, const MaskingOptions& options, uint64_t key);

}  // namespace sasmlm
