#include "sasmlm/data/sampler.h"

#include <numeric>

#include "sasmlm/core/error.h"
#include "sasmlm/core/rng.h"

namespace sasmlm {

Sampler::Sampler(int64_t num_sequences, int64_t batch_size, uint64_t seed, bool shuffle)
    : num_sequences_(num_sequences), batch_size_(batch_size), seed_(seed), shuffle_(shuffle) {
  SASMLM_CHECK(num_sequences > 0, "sampler over an empty dataset");
  SASMLM_CHECK(batch_size > 0, "batch_size must be positive");
}

const std::vector<int64_t>& Sampler::permutation(int64_t epoch) {
  if (epoch == cached_epoch_) return cached_permutation_;
  cached_permutation_.resize(size_t(num_sequences_));
  std::iota(cached_permutation_.begin(), cached_permutation_.end(), 0);
  if (shuffle_) {
    // Fisher-Yates with a generator keyed by (seed, epoch): the order is a pure function of both.
    Rng rng(derive_key(seed_, 0x5A4D504Cull, uint64_t(epoch)));
    for (int64_t i = num_sequences_ - 1; i > 0; --i) {
      std::swap(cached_permutation_[size_t(i)], cached_permutation_[rng.below(uint64_t(i + 1))]);
    }
  }
  cached_epoch_ = epoch;
  return cached_permutation_;
}

int64_t Sampler::sequence_at(int64_t position) {
  return permutation(position / num_sequences_)[size_t(position % num_sequences_)];
}

std::vector<int64_t> Sampler::global_batch(int64_t step) { return rank_slice(step, 0, 1); }

std::vector<int64_t> Sampler::rank_slice(int64_t step, int64_t rank, int64_t world_size) {
  SASMLM_CHECK(world_size > 0 && rank >= 0 && rank < world_size, "bad rank/world size");
  SASMLM_CHECK(batch_size_ % world_size == 0, "batch_size must be divisible by the world size");
  const int64_t per_rank = batch_size_ / world_size;
  std::vector<int64_t> ids;
  ids.reserve(size_t(per_rank));
  const int64_t first = step * batch_size_ + rank * per_rank;
  for (int64_t j = 0; j < per_rank; ++j) ids.push_back(sequence_at(first + j));
  return ids;
}

}  // namespace sasmlm
