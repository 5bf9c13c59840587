// The fixed set of real training batches the benchmarks time (bench_sas, bench_train_worker): the config's train
// split, prepared if needed, cut into batches by the trainer's own loader and masking, built once up front so the
// loader is not what is measured.
#pragma once

#include "sasmlm/config/config.h"
#include "sasmlm/data/loader.h"

#include <cstdint>
#include <vector>

namespace sasmlm::bench {

struct BenchBatches {
  std::vector<StepBatches> steps;  // `count` optimizer steps' worth, in the loader's order
  int64_t vocab_size = 0;          // the prepared tokenizer's vocabulary (the model's rows)
  int64_t batch_size = 0;          // sequences per step
  uint32_t tokenizer_checksum = 0;  // the prepared tokenizer's (a checkpoint restored on these batches must match)
};

BenchBatches fixed_train_batches(const Config& config, int64_t count);

// The median of a benchmark's per-window times (the upper one of an even count; 0 for none).
double median(std::vector<double> values);

}  // namespace sasmlm::bench
