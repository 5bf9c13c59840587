#include "sasmlm/data/masking.h"

#include <algorithm>
#include <array>

#include "sasmlm/core/error.h"
#include "sasmlm/core/rng.h"
#include "sasmlm/data/tokenizer.h"

namespace sasmlm {

MaskingOptions masking_options_from(const DataConfig& config, const Tokenizer& tokenizer) {
  MaskingOptions options;
  options.mask_prob = config.mask_prob;
  options.mask_replace_prob = config.mask_replace_prob;
  options.random_replace_prob = config.random_replace_prob;
  options.vocab_size = tokenizer.vocab_size();
  options.pad_id = tokenizer.pad_id();
  options.cls_id = tokenizer.cls_id();
  options.sep_id = tokenizer.sep_id();
  options.mask_id = tokenizer.mask_id();
  options.unk_id = tokenizer.unk_id();
  return options;
}

Batch apply_masking(const Batch& clean, const MaskingOptions& options, uint64_t key) {
  SASMLM_CHECK(clean.input_ids.device().is_cpu(), "masking runs on CPU batches");
  SASMLM_CHECK(options.vocab_size > kNumSpecialTokens, "vocab too small for random replacement");
  // The r-th non-special id, r in [0, vocab - 5): the special ids in ascending order are stepped over (for
  // sasmlm's own vocabularies, specials 0-4, this is 5 + r).
  std::array<int64_t, kNumSpecialTokens> specials = {options.pad_id, options.unk_id, options.cls_id, options.sep_id,
                                                     options.mask_id};
  std::sort(specials.begin(), specials.end());
  SASMLM_CHECK(std::adjacent_find(specials.begin(), specials.end()) == specials.end() && specials.front() >= 0 &&
                   specials.back() < options.vocab_size,
               "masking: the special ids must be distinct ids of the vocabulary");
  auto random_token = [&](uint64_t r) {
    int64_t id = int64_t(r);
    for (int64_t s : specials) id += id >= s ? 1 : 0;
    return id;
  };
  Batch out = clean;
  out.input_ids = clean.input_ids.clone();  // (B, T)
  const int64_t batch = out.input_ids.size(0), length = out.input_ids.size(1);
  auto* ids = out.input_ids.data_ptr<int64_t>();
  const auto* seq_ids = clean.sequence_ids.data_ptr<int64_t>();
  const auto* real = clean.attention_mask.data_ptr<bool>();
  const uint64_t random_range = uint64_t(options.vocab_size - kNumSpecialTokens);
  std::vector<int64_t> positions, labels;
  positions.reserve(size_t(double(batch * length) * options.mask_prob * 1.5) + 16);
  labels.reserve(positions.capacity());
  for (int64_t b = 0; b < batch; ++b) {
    const uint64_t row_key = derive_key(key, uint64_t(seq_ids[b]));
    for (int64_t t = 0; t < length; ++t) {
      const int64_t flat = b * length + t;
      const int64_t id = ids[flat];
      if (!real[flat] || id == options.pad_id || id == options.cls_id || id == options.sep_id ||
          id == options.mask_id) {
        continue;
      }
      // One generator per token keyed by (sequence, position): independent of batch layout.
      Rng rng(derive_key(row_key, uint64_t(t)));
      if (rng.uniform() >= options.mask_prob) continue;
      positions.push_back(flat);
      labels.push_back(id);
      const double action = rng.uniform();
      if (action < options.mask_replace_prob) {
        ids[flat] = options.mask_id;
      } else if (action < options.mask_replace_prob + options.random_replace_prob) {
        ids[flat] = random_token(rng.below(random_range));
      }  // else: kept unchanged, still predicted
    }
  }
  auto long_opts = torch::TensorOptions().dtype(torch::kInt64);
  out.mlm_positions = torch::tensor(positions, long_opts);
  out.mlm_labels = torch::tensor(labels, long_opts);
  return out;
}

}  // namespace sasmlm
