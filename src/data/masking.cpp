#include "sasmlm/data/masking.h"

#include "sasmlm/core/error.h"
#include "sasmlm/core/rng.h"
#include "sasmlm/data/tokenizer.h"

namespace sasmlm {

MaskingOptions masking_options_from(const DataConfig& config, int64_t vocab_size) {
  MaskingOptions options;
  options.mask_prob = config.mask_prob;
  options.mask_replace_prob = config.mask_replace_prob;
  options.random_replace_prob = config.random_replace_prob;
  options.vocab_size = vocab_size;
  return options;
}

Batch apply_masking(const Batch& clean, const MaskingOptions& options, uint64_t key) {
  SASMLM_CHECK(clean.input_ids.device().is_cpu(), "masking runs on CPU batches");
  SASMLM_CHECK(options.vocab_size > kNumSpecialTokens, "vocab too small for random replacement");
  Batch out = clean;
  out.input_ids = clean.input_ids.clone();  // (B, T)
  const int64_t batch = out.input_ids.size(0), length = out.input_ids.size(1);
  auto* ids = out.input_ids.data_ptr<int64_t>();
  const auto* seq_ids = clean.sequence_ids.data_ptr<int64_t>();
  const uint64_t random_range = uint64_t(options.vocab_size - kNumSpecialTokens);
  std::vector<int64_t> positions, labels;
  positions.reserve(size_t(double(batch * length) * options.mask_prob * 1.5) + 16);
  labels.reserve(positions.capacity());
  for (int64_t b = 0; b < batch; ++b) {
    const uint64_t row_key = derive_key(key, uint64_t(seq_ids[b]));
    for (int64_t t = 0; t < length; ++t) {
      const int64_t flat = b * length + t;
      const int64_t id = ids[flat];
      if (id == kPadId || id == kClsId || id == kSepId || id == kMaskId) continue;
      // One generator per token keyed by (sequence, position): independent of batch layout.
      Rng rng(derive_key(row_key, uint64_t(t)));
      if (rng.uniform() >= options.mask_prob) continue;
      positions.push_back(flat);
      labels.push_back(id);
      const double action = rng.uniform();
      if (action < options.mask_replace_prob) {
        ids[flat] = kMaskId;
      } else if (action < options.mask_replace_prob + options.random_replace_prob) {
        ids[flat] = kNumSpecialTokens + int64_t(rng.below(random_range));
      }  // else: kept unchanged, still predicted
    }
  }
  auto long_opts = torch::TensorOptions().dtype(torch::kInt64);
  out.mlm_positions = torch::tensor(positions, long_opts);
  out.mlm_labels = torch::tensor(labels, long_opts);
  return out;
}

}  // namespace sasmlm
