// Binary shard of packed training sequences: written once, memory-mapped for O(1) random access.
//
// File layout, format version 1. Every field is fixed-width little-endian; sections start at multiples of 8.
//
//   header (64 bytes)
//     0  char[8]  magic "SASMSHRD"
//     8  uint32   format version (kShardFormatVersion)
//    12  uint32   header size in bytes (64)
//    16  uint64   num_sequences (S)
//    24  uint64   num_tokens (N, all sequences together)
//    32  uint64   payload offset (= header size)
//    40  uint64   payload size in bytes (the file is exactly payload offset + payload size long)
//    48  uint32   CRC-32 (IEEE) of the payload bytes
//    52  uint32   max tokens in one sequence
//    56  uint64   reserved, 0
//   payload, sections in this order, each padded with zero bytes to a multiple of 8:
//     uint64[S + 1]  token offset of each sequence (0 first, N last, non-decreasing)
//     int32[N]       token ids
//     int16[N]       head: position of the token's syntactic head within the same sequence, -1 for none
//     int16[N]       relation id (manifest's relation list), -1 for none
//     int32[N]       word index within its sentence (0-based), -1 for [CLS]/[SEP]
//     uint8[N]       flags: kTokenSentenceStart on the first piece of each sentence (or sentence chunk) in the
//                    sequence; kTokenContinuation too when that chunk continues a sentence split off the
//                    previous sequence; kTokenUnparsed on every token of a sequence made from plain text (no
//                    arcs; absent in shards written before plain-text corpora existed: all parsed)
//
// Readers refuse another magic, another version, a size that disagrees with the counts, and a payload whose
// CRC-32 differs, naming the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sasmlm {

constexpr char kShardMagic[8] = {'S', 'A', 'S', 'M', 'S', 'H', 'R', 'D'};
constexpr uint32_t kShardFormatVersion = 1;
constexpr uint32_t kShardHeaderSize = 64;
constexpr uint8_t kTokenSentenceStart = 1;
constexpr uint8_t kTokenContinuation = 2;
constexpr uint8_t kTokenUnparsed = 4;
constexpr int64_t kMaxShardSequenceLength = 32767;  // heads are int16 positions

// One sequence, owning its columns (what the packer produces and the writer takes).
struct SequenceData {
  std::vector<int32_t> ids;
  std::vector<int16_t> heads;
  std::vector<int16_t> relations;
  std::vector<int32_t> word_index;
  std::vector<uint8_t> flags;

  int64_t size() const { return static_cast<int64_t>(ids.size()); }
  void clear();
};

// A sequence inside a mapped shard: pointers into the mapping, valid while the reader lives.
struct SequenceView {
  const int32_t* ids = nullptr;
  const int16_t* heads = nullptr;
  const int16_t* relations = nullptr;
  const int32_t* word_index = nullptr;
  const uint8_t* flags = nullptr;
  int64_t length = 0;
};

// Collects sequences in memory and writes the shard atomically (temporary name, fsync, rename) on commit().
class ShardWriter {
 public:
  explicit ShardWriter(std::string path);
  // Appends one sequence; its columns must have equal lengths and heads must point inside it.
  void add(const SequenceData& sequence);
  // Writes the file; returns its size in bytes. Nothing is left at `path` (or a temporary) if it throws.
  uint64_t commit();

  const std::string& path() const { return path_; }
  int64_t num_sequences() const { return static_cast<int64_t>(offsets_.size()) - 1; }
  int64_t num_tokens() const { return static_cast<int64_t>(ids_.size()); }
  uint32_t payload_crc() const { return payload_crc_; }  // valid after commit()

 private:
  std::string path_;
  std::vector<uint64_t> offsets_{0};
  std::vector<int32_t> ids_;
  std::vector<int16_t> heads_;
  std::vector<int16_t> relations_;
  std::vector<int32_t> word_index_;
  std::vector<uint8_t> flags_;
  uint32_t max_length_ = 0;
  uint32_t payload_crc_ = 0;
  bool committed_ = false;
};

// Memory-maps a shard and validates it on open (magic, version, sizes, offsets, CRC-32 of the payload).
class ShardReader {
 public:
  // verify_checksum=false skips the CRC pass (a quick reopen of a file already verified).
  explicit ShardReader(const std::string& path, bool verify_checksum = true);
  ~ShardReader();
  ShardReader(ShardReader&& other) noexcept;
  ShardReader& operator=(ShardReader&& other) noexcept;
  ShardReader(const ShardReader&) = delete;
  ShardReader& operator=(const ShardReader&) = delete;

  int64_t num_sequences() const { return num_sequences_; }
  int64_t num_tokens() const { return num_tokens_; }
  int64_t max_length() const { return max_length_; }
  uint32_t payload_crc() const { return payload_crc_; }
  uint64_t file_size() const { return size_; }
  const std::string& path() const { return path_; }

  // O(1); 0 <= i < num_sequences() (checked).
  SequenceView sequence(int64_t i) const;

 private:
  void unmap();

  std::string path_;
  void* data_ = nullptr;
  uint64_t size_ = 0;
  int64_t num_sequences_ = 0;
  int64_t num_tokens_ = 0;
  int64_t max_length_ = 0;
  uint32_t payload_crc_ = 0;
  const uint64_t* offsets_ = nullptr;
  const int32_t* ids_ = nullptr;
  const int16_t* heads_ = nullptr;
  const int16_t* relations_ = nullptr;
  const int32_t* word_index_ = nullptr;
  const uint8_t* flags_ = nullptr;
};

}  // namespace sasmlm
