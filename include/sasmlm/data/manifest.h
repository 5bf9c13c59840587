// manifest.json of a prepared directory: what was prepared from what, with which settings, and the files holding
// it. Written last by prepare (so its presence marks a finished preparation), read by PreparedData.
//
// Fields: format_version; the training split's counts at the top level (sentences, words, arcs,
// skipped_sentences, tokens, sequences, parsed_share) and vocab_size, as docs/INTERFACE.md lists them; "splits": per
// split (train, dev) all counts (parsed_sequences, parsed_share, text_sentences, shards included), skip_reasons and its
// shard_files [{file, sequences, tokens, bytes, crc32}]; "sources": per split the inputs (CoNLL-U or plain text)
// [{path, bytes, crc32}]; "tokenizer": {file, checksum, vocab_size}; "relations": labels by
// id; "shard_format_version"; "settings": the data/tokenizer config values that shape the output.
// CRC-32s are 8 lowercase hex digits.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sasmlm/config/config.h"

namespace sasmlm {

constexpr int64_t kManifestFormatVersion = 1;
constexpr const char* kManifestFile = "manifest.json";
constexpr const char* kTokenizerFile = "tokenizer.model";

struct SplitSummary {
  int64_t sentences = 0;          // sentences read and kept by the reader (valid ones)
  int64_t words = 0;              // words of those sentences
  int64_t arcs = 0;               // dependency arcs (words other than the root) of those sentences
  int64_t skipped_sentences = 0;  // invalid sentences skipped (data.skip_invalid)
  int64_t sentences_split = 0;    // over-long sentences split into chunks
  int64_t sentences_dropped = 0;  // over-long sentences dropped
  int64_t chunks = 0;             // chunks the split sentences produced
  int64_t arcs_cut = 0;           // arcs lost to chunking
  int64_t tokens = 0;             // tokens in the shards, [CLS]/[SEP] included
  int64_t sequences = 0;          // sequences in the shards
  int64_t parsed_sequences = 0;   // of those, made from CoNLL-U (the rest from plain text: no arcs, MLM loss only)
  int64_t text_sentences = 0;     // lines read from plain-text files (counted in sentences too)
  int64_t shards = 0;             // shard files
  std::vector<std::string> skip_reasons;  // first few "<file>:<line>: reason" of skipped sentences

  // parsed_sequences / sequences (1 for an empty split).
  double parsed_share() const { return sequences > 0 ? double(parsed_sequences) / double(sequences) : 1.0; }
};

struct FileEntry {
  std::string path;  // shards: file name inside the prepared dir; sources: the path as configured
  uint64_t bytes = 0;
  uint32_t crc = 0;
  int64_t sequences = 0;  // shards only
  int64_t tokens = 0;     // shards only
};

struct ManifestSplit {
  SplitSummary counts;
  std::vector<FileEntry> shards;
  std::vector<FileEntry> sources;
};

struct Manifest {
  int64_t format_version = kManifestFormatVersion;
  int64_t shard_format_version = 0;
  std::string tokenizer_file = kTokenizerFile;
  uint32_t tokenizer_checksum = 0;
  int32_t vocab_size = 0;
  std::vector<std::string> relations;
  nlohmann::json settings;       // prepare_settings() of the config it was prepared with
  int64_t max_seq_len = 0;       // settings.data.max_seq_len
  std::map<std::string, ManifestSplit> splits;  // "train" always, "dev" when prepared

  std::string to_json() const;
  // UserError naming `path` for malformed JSON, a missing field, or another format version.
  static Manifest parse(const std::string& text, const std::string& path);
};

// Reads and parses dir/manifest.json; UserError when absent ("not prepared") or invalid.
Manifest read_manifest(const std::string& dir);

// The config values that shape prepared data (compared on reuse).
nlohmann::json prepare_settings(const DataConfig& data, const TokenizerConfig& tokenizer);

}  // namespace sasmlm
