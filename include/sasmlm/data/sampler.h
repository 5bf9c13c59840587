// Which sequences form the global batch of step t, and which slice of it each rank takes.
//
// Position p = t * batch_size + j (j < batch_size) of the endless stream maps to epoch p / N and to index p % N of
// that epoch's permutation (a shuffle seeded by (seed, epoch)). The global batch of a step therefore depends only on
// (seed, step), never on the number of ranks, and the sampler's whole state is the step: restoring it is O(1) plus
// one O(N) shuffle, never a replay of batches.
#pragma once

#include <cstdint>
#include <vector>

namespace sasmlm {

class Sampler {
 public:
  // num_sequences > 0; batch_size divisible by world_size.
  Sampler(int64_t num_sequences, int64_t batch_size, uint64_t seed, bool shuffle = true);

  // The whole global batch of `step` (batch_size sequence ids).
  std::vector<int64_t> global_batch(int64_t step);
  // Rank `rank`'s contiguous slice of the global batch (batch_size / world_size ids).
  std::vector<int64_t> rank_slice(int64_t step, int64_t rank, int64_t world_size);

  int64_t epoch_of(int64_t step) const { return (step * batch_size_) / num_sequences_; }
  int64_t num_sequences() const { return num_sequences_; }
  int64_t batch_size() const { return batch_size_; }

 private:
  int64_t sequence_at(int64_t position);
  const std::vector<int64_t>& permutation(int64_t epoch);

  int64_t num_sequences_;
  int64_t batch_size_;
  uint64_t seed_;
  bool shuffle_;
  int64_t cached_epoch_ = -1;
  std::vector<int64_t> cached_permutation_;
};

}  // namespace sasmlm
