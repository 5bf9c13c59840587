// A prepared directory opened for reading: manifest, tokenizer, relation labels and memory-mapped shards.
//
// Opening validates everything: the manifest's format version, the tokenizer's checksum against the manifest,
// and each shard (magic, version, size, CRC-32, and its counts against the manifest).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sasmlm/data/prepare.h"
#include "sasmlm/data/shard.h"
#include "sasmlm/data/tokenizer.h"

namespace sasmlm {

class PreparedData {
 public:
  // UserError naming the directory/file when it is not a valid prepared directory (hint: run sasmlm prepare).
  explicit PreparedData(const std::string& dir);

  const std::string& dir() const { return dir_; }
  bool has_split(const std::string& split) const { return splits_.count(split) > 0; }

  // Sequences of "train" or "dev" (UserError for a split not prepared).
  int64_t num_sequences(const std::string& split) const;
  SequenceView sequence(const std::string& split, int64_t i) const;
  const SplitSummary& counts(const std::string& split) const;

  const Tokenizer& tokenizer() const { return tokenizer_; }
  int32_t vocab_size() const { return tokenizer_.vocab_size(); }
  const std::vector<std::string>& relations() const { return relations_; }
  int64_t max_seq_len() const { return max_seq_len_; }
  int64_t format_version() const { return format_version_; }

  // UserError when `checksum` (e.g. the tokenizer stored with a checkpoint) is not this data's tokenizer.
  void check_tokenizer(uint32_t checksum, const std::string& what) const;

 private:
  struct Split {
    std::vector<ShardReader> shards;
    std::vector<int64_t> starts;  // first global sequence index of each shard, plus the total
    SplitSummary counts;
  };
  const Split& split(const std::string& name) const;

  std::string dir_;
  int64_t format_version_ = 0;
  int64_t max_seq_len_ = 0;
  Tokenizer tokenizer_;
  std::vector<std::string> relations_;
  std::map<std::string, Split> splits_;
};

}  // namespace sasmlm
