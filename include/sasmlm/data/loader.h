// The training data loader: turns (sampler, sequences, masking) into finished micro-batches, ahead of the trainer
// in a background thread.
//
// Every batch is a pure function of (source, options, step, rank): the loader's state is the next step, so saving
// and restoring it is O(1), and the trainer never edits tokens.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "sasmlm/data/batch.h"
#include "sasmlm/data/masking.h"
#include "sasmlm/data/sampler.h"
#include "sasmlm/data/sequence_source.h"

namespace sasmlm {

struct LoaderOptions {
  int64_t batch_size = 32;        // global sequences per optimizer step (all ranks)
  int64_t micro_batch_size = 0;   // sequences per micro-batch on this rank (0 = the whole rank slice)
  int64_t rank = 0;
  int64_t world_size = 1;
  uint64_t seed = 0;              // sampler shuffle and masking seed
  bool shuffle = true;
  int64_t prefetch = 4;           // steps prepared ahead (0 = synchronous)
  bool pin_memory = false;        // page-locked batches (CUDA training), so their upload is asynchronous
  MaskingOptions masking;
};

// The micro-batches of one optimizer step on this rank.
struct StepBatches {
  int64_t step = 0;
  std::vector<Batch> micro;
  int64_t num_masked = 0;         // masked tokens over this rank's micro-batches
};

// Collates sequences into a clean (unmasked) batch padded to its longest sequence.
Batch collate(const SequenceSource& source, const std::vector<int64_t>& sequence_ids, int64_t step);

// Builds the micro-batches of `step` for this rank (clean -> masked). Pure: used by the loader thread and tests.
StepBatches build_step(const SequenceSource& source, Sampler& sampler, const LoaderOptions& options, int64_t step);

class Loader {
 public:
  Loader(std::shared_ptr<const SequenceSource> source, LoaderOptions options, int64_t start_step);
  ~Loader();
  Loader(const Loader&) = delete;
  Loader& operator=(const Loader&) = delete;

  // Blocks until the batches of the next step are ready; rethrows a loader-thread exception.
  StepBatches next();
  // The step the next call to next() returns: the loader's whole state.
  int64_t next_step() const { return next_step_; }

 private:
  void run();

  std::shared_ptr<const SequenceSource> source_;
  LoaderOptions options_;
  Sampler sampler_;
  int64_t next_step_;
  int64_t produce_step_;
  std::deque<StepBatches> queue_;
  std::exception_ptr error_;
  bool stop_ = false;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace sasmlm
