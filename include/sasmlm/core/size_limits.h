// Upper bounds on every size that reaches an allocation: config keys, checkpoint and shard header fields, Hugging
// Face config.json fields. One table, so a value the allocator cannot serve is refused with the key's name and the
// bound instead of aborting inside it. The bounds are far above any real BERT (large: 24 layers, hidden 1024,
// 512 positions, 30k vocabulary); whether a run within them fits the machine is the memory estimate's question
// (include/sasmlm/train/memory_estimate.h).
#pragma once

#include <cstdint>
#include <string>

namespace sasmlm {

constexpr int64_t kMaxLayers = 1024;
constexpr int64_t kMaxHidden = 1 << 16;
constexpr int64_t kMaxHeads = 1 << 12;
constexpr int64_t kMaxIntermediate = 1 << 18;
constexpr int64_t kMaxPositions = 1 << 16;
constexpr int64_t kMaxVocab = 1 << 22;             // 4,194,304 pieces
constexpr int64_t kMaxTypeVocab = 1 << 10;
constexpr int64_t kMaxBatchSequences = 1 << 24;    // trainer.batch_size, micro_batch_size, eval.batch_size
constexpr int64_t kMaxPrefetch = 1 << 10;          // data.prefetch batches
constexpr int64_t kMaxPrepareThreads = 1 << 10;    // data.prepare_threads
constexpr int64_t kMaxGeneratedItems = 100'000'000; // synth --sentences / --pairs

// "KEY: must be <= LIMIT, got VALUE (HINT)" as a UserError when value > limit.
void check_at_most(const std::string& key, int64_t value, int64_t limit, const std::string& hint = "");

}  // namespace sasmlm
