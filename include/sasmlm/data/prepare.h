// `sasmlm prepare`: CoNLL-U -> tokenizer + shards + manifest.json in a prepared directory.
//
// Output (prepared_dir): tokenizer.model, train-00000.shard ..., dev-00000.shard ... (when data.dev is set), and
// manifest.json, written last: a directory without a valid manifest is "not prepared". Everything is built in a
// staging directory inside prepared_dir and moved in only after all of it succeeded, so a failed prepare leaves
// the previous contents (or nothing) and no temporary files. Processes preparing the same directory take turns
// through an flock on prepared_dir/.prepare.lock (left in place: removing a lock file races with its waiters).
//
// The manifest's fields are described in manifest.h. A later prepare whose sources (compared by size and CRC-32
// of their content) and settings match reuses the directory. The sources are data.train / data.dev with
// directories and glob patterns expanded (input_paths.h), so a directory that gains or loses a file is prepared
// again.
//
// The encoding pass reads sentences in order on the calling thread, aligns (tokenizes) them in batches on
// data.prepare_threads threads (parallel_aligner.h) and packs the batches in order: the shards and the manifest are
// byte-identical for every thread count, which is therefore no setting.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sasmlm/config/config.h"
#include "sasmlm/data/manifest.h"

namespace sasmlm {

struct PrepareSummary {
  std::string prepared_dir;
  bool reused = false;            // an existing, matching preparation was kept
  int32_t vocab_size = 0;
  uint32_t tokenizer_checksum = 0;
  SplitSummary train;
  bool has_dev = false;
  SplitSummary dev;
  double seconds = 0.0;
};

// Prepares (or reuses) `prepared_dir` from config.train / config.dev. Throws UserError on bad input (naming the
// file:line or config key); nothing half-written is left behind.
PrepareSummary prepare_data(const DataConfig& data, const TokenizerConfig& tokenizer, const std::string& prepared_dir);

// True when `prepared_dir` holds a manifest whose sources and settings match the config (prepare would reuse it).
bool prepared_data_matches(const DataConfig& data, const TokenizerConfig& tokenizer, const std::string& prepared_dir);

}  // namespace sasmlm
