// Glue between a prepared directory and the training loop: prepare-or-reuse-then-open, and a SequenceSource over
// one split's shards for the loader.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "sasmlm/config/config.h"
#include "sasmlm/data/prepared_data.h"
#include "sasmlm/data/sequence_source.h"

namespace sasmlm {

// Where a run's prepared data lives: data.prepared_dir, or <run_dir>/prepared when it is empty.
std::string prepared_dir_for(const DataConfig& data, const std::string& run_dir);

// Runs prepare_data (reusing a matching directory) and opens the result.
std::shared_ptr<PreparedData> prepare_and_open(const DataConfig& data, const TokenizerConfig& tokenizer,
                                               const std::string& prepared_dir);

// Sequences of one split as SequenceRecords; keeps `data` alive. Thread-safe reads (the shards are read-only).
class PreparedSplitSource : public SequenceSource {
 public:
  PreparedSplitSource(std::shared_ptr<const PreparedData> data, std::string split);
  int64_t size() const override { return size_; }
  void read(int64_t i, SequenceRecord& out) const override;

 private:
  std::shared_ptr<const PreparedData> data_;
  std::string split_;
  int64_t size_ = 0;
};

std::shared_ptr<SequenceSource> make_split_source(std::shared_ptr<const PreparedData> data, const std::string& split);

}  // namespace sasmlm
