#include "sasmlm/data/shard.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "sasmlm/core/checksum.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "shards are little-endian and mapped as-is");

namespace sasmlm {
namespace {

uint64_t pad8(uint64_t n) { return (n + 7) & ~uint64_t(7); }

// Byte sizes of the payload sections, in file order.
struct Sections {
  uint64_t offsets, ids, heads, relations, word_index, flags, total;
  Sections(uint64_t sequences, uint64_t tokens) {
    offsets = pad8((sequences + 1) * sizeof(uint64_t));
    ids = pad8(tokens * sizeof(int32_t));
    heads = pad8(tokens * sizeof(int16_t));
    relations = pad8(tokens * sizeof(int16_t));
    word_index = pad8(tokens * sizeof(int32_t));
    flags = pad8(tokens * sizeof(uint8_t));
    total = offsets + ids + heads + relations + word_index + flags;
  }
};

template <class T> void put(std::string& header, size_t at, T value) { std::memcpy(&header[at], &value, sizeof(T)); }
template <class T> T get(const uint8_t* base, size_t at) {
  T value;
  std::memcpy(&value, base + at, sizeof(T));
  return value;
}

const std::string kRerunHint = " (hint: delete the prepared dir and rerun sasmlm prepare)";

}  // namespace

void SequenceData::clear() {
  ids.clear();
  heads.clear();
  relations.clear();
  word_index.clear();
  flags.clear();
}

ShardWriter::ShardWriter(std::string path) : path_(std::move(path)) {}

void ShardWriter::add(const SequenceData& s) {
  SASMLM_CHECK(!committed_, "ShardWriter::add after commit: " + path_);
  const size_t n = s.ids.size();
  SASMLM_CHECK(s.heads.size() == n && s.relations.size() == n && s.word_index.size() == n && s.flags.size() == n,
               "sequence columns differ in length");
  SASMLM_CHECK(static_cast<int64_t>(n) <= kMaxShardSequenceLength, "sequence longer than int16 heads allow");
  for (size_t t = 0; t < n; ++t) {
    SASMLM_CHECK(s.heads[t] >= -1 && s.heads[t] < static_cast<int64_t>(n), "head outside its sequence");
  }
  ids_.insert(ids_.end(), s.ids.begin(), s.ids.end());
  heads_.insert(heads_.end(), s.heads.begin(), s.heads.end());
  relations_.insert(relations_.end(), s.relations.begin(), s.relations.end());
  word_index_.insert(word_index_.end(), s.word_index.begin(), s.word_index.end());
  flags_.insert(flags_.end(), s.flags.begin(), s.flags.end());
  offsets_.push_back(ids_.size());
  max_length_ = std::max<uint32_t>(max_length_, static_cast<uint32_t>(n));
}

uint64_t ShardWriter::commit() {
  SASMLM_CHECK(!committed_, "ShardWriter::commit twice: " + path_);
  const uint64_t sequences = offsets_.size() - 1;
  const uint64_t tokens = ids_.size();
  const Sections sec(sequences, tokens);

  struct Part {
    const void* data;
    uint64_t bytes, padded;
  };
  const Part parts[] = {
      {offsets_.data(), offsets_.size() * sizeof(uint64_t), sec.offsets},
      {ids_.data(), tokens * sizeof(int32_t), sec.ids},
      {heads_.data(), tokens * sizeof(int16_t), sec.heads},
      {relations_.data(), tokens * sizeof(int16_t), sec.relations},
      {word_index_.data(), tokens * sizeof(int32_t), sec.word_index},
      {flags_.data(), tokens * sizeof(uint8_t), sec.flags},
  };
  // The CRC covers the payload exactly as written, padding included.
  const char zeros[8] = {};
  uint32_t crc = 0;
  for (const Part& part : parts) {
    crc = crc32(part.data, part.bytes, crc);
    crc = crc32(zeros, part.padded - part.bytes, crc);
  }

  std::string header(kShardHeaderSize, '\0');
  std::memcpy(&header[0], kShardMagic, sizeof(kShardMagic));
  put<uint32_t>(header, 8, kShardFormatVersion);
  put<uint32_t>(header, 12, kShardHeaderSize);
  put<uint64_t>(header, 16, sequences);
  put<uint64_t>(header, 24, tokens);
  put<uint64_t>(header, 32, kShardHeaderSize);
  put<uint64_t>(header, 40, sec.total);
  put<uint32_t>(header, 48, crc);
  put<uint32_t>(header, 52, max_length_);
  put<uint64_t>(header, 56, 0);

  AtomicFileWriter out(path_);
  out.write(header);
  for (const Part& part : parts) {
    out.write(part.data, part.bytes);
    out.write(zeros, part.padded - part.bytes);
  }
  SASMLM_CHECK(out.bytes_written() == kShardHeaderSize + sec.total, "shard size bookkeeping");
  out.commit();
  committed_ = true;
  payload_crc_ = crc;
  return kShardHeaderSize + sec.total;
}

ShardReader::ShardReader(const std::string& path, bool verify_checksum) : path_(path) {
  struct stat before {};
  if (::stat(path.c_str(), &before) == 0 && !S_ISREG(before.st_mode)) require_regular_file(path, "shard");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw UserError("cannot open shard " + path + ": " + std::strerror(errno) + kRerunHint);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    throw UserError("cannot stat shard " + path + ": " + std::strerror(errno));
  }
  size_ = static_cast<uint64_t>(st.st_size);
  if (size_ < kShardHeaderSize) {
    ::close(fd);
    throw UserError(path + ": not a sasmlm shard: " + std::to_string(size_) + " bytes, shorter than the " +
                    std::to_string(kShardHeaderSize) + "-byte header (truncated?)" + kRerunHint);
  }
  void* map = ::mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) throw UserError("cannot map shard " + path + ": " + std::strerror(errno));
  data_ = map;
  try {
    const auto* base = static_cast<const uint8_t*>(data_);
    if (std::memcmp(base, kShardMagic, sizeof(kShardMagic)) != 0) {
      throw UserError(path + ": not a sasmlm shard (bad magic, expected SASMSHRD)" + kRerunHint);
    }
    const uint32_t version = get<uint32_t>(base, 8);
    if (version != kShardFormatVersion) {
      throw UserError(path + ": shard format version " + std::to_string(version) + ", this build reads " +
                      std::to_string(kShardFormatVersion) + kRerunHint);
    }
    const uint32_t header_size = get<uint32_t>(base, 12);
    const uint64_t sequences = get<uint64_t>(base, 16);
    const uint64_t tokens = get<uint64_t>(base, 24);
    const uint64_t payload_offset = get<uint64_t>(base, 32);
    const uint64_t payload_size = get<uint64_t>(base, 40);
    payload_crc_ = get<uint32_t>(base, 48);
    max_length_ = get<uint32_t>(base, 52);
    // Bound the counts before multiplying so a corrupt header cannot overflow the size arithmetic.
    if (header_size != kShardHeaderSize || payload_offset != kShardHeaderSize || sequences > size_ ||
        tokens > size_) {
      throw UserError(path + ": corrupt shard header (header size " + std::to_string(header_size) +
                      ", payload offset " + std::to_string(payload_offset) + ")" + kRerunHint);
    }
    const Sections sec(sequences, tokens);
    if (payload_size != sec.total || size_ != payload_offset + payload_size) {
      throw UserError(path + ": shard is " + std::to_string(size_) + " bytes, its header implies " +
                      std::to_string(payload_offset + sec.total) + " (truncated or corrupt)" + kRerunHint);
    }
    const uint8_t* payload = base + payload_offset;
    if (verify_checksum) {
      const uint32_t crc = crc32(payload, payload_size);
      if (crc != payload_crc_) {
        throw UserError(path + ": shard checksum mismatch (stored " + hex32(payload_crc_) + ", computed " +
                        hex32(crc) + "); the file is corrupt" + kRerunHint);
      }
    }
    num_sequences_ = static_cast<int64_t>(sequences);
    num_tokens_ = static_cast<int64_t>(tokens);
    offsets_ = reinterpret_cast<const uint64_t*>(payload);
    ids_ = reinterpret_cast<const int32_t*>(payload + sec.offsets);
    heads_ = reinterpret_cast<const int16_t*>(payload + sec.offsets + sec.ids);
    relations_ = reinterpret_cast<const int16_t*>(payload + sec.offsets + sec.ids + sec.heads);
    word_index_ =
        reinterpret_cast<const int32_t*>(payload + sec.offsets + sec.ids + sec.heads + sec.relations);
    flags_ = payload + sec.offsets + sec.ids + sec.heads + sec.relations + sec.word_index;
    if (offsets_[0] != 0 || offsets_[sequences] != tokens) {
      throw UserError(path + ": corrupt shard: sequence offsets do not span the tokens" + kRerunHint);
    }
    for (uint64_t i = 0; i < sequences; ++i) {
      if (offsets_[i + 1] < offsets_[i] || offsets_[i + 1] - offsets_[i] > static_cast<uint64_t>(max_length_)) {
        throw UserError(path + ": corrupt shard: bad offset of sequence " + std::to_string(i) + kRerunHint);
      }
    }
    // Heads index into their sequence downstream (SAS targets, UAS): one out of range would read past it.
    for (uint64_t i = 0; verify_checksum && i < sequences; ++i) {
      const int64_t length = static_cast<int64_t>(offsets_[i + 1] - offsets_[i]);
      for (uint64_t t = offsets_[i]; t < offsets_[i + 1]; ++t) {
        if (heads_[t] < -1 || heads_[t] >= length) {
          throw UserError(path + ": corrupt shard: sequence " + std::to_string(i) + " token " +
                          std::to_string(t - offsets_[i]) + " has head " + std::to_string(heads_[t]) +
                          ", outside the sequence of length " + std::to_string(length) + kRerunHint);
        }
      }
    }
  } catch (...) {
    unmap();
    throw;
  }
}

ShardReader::~ShardReader() { unmap(); }

void ShardReader::unmap() {
  if (data_ != nullptr) ::munmap(data_, size_);
  data_ = nullptr;
}

ShardReader::ShardReader(ShardReader&& other) noexcept { *this = std::move(other); }

ShardReader& ShardReader::operator=(ShardReader&& other) noexcept {
  if (this == &other) return *this;
  unmap();
  path_ = std::move(other.path_);
  data_ = std::exchange(other.data_, nullptr);
  size_ = std::exchange(other.size_, 0);
  num_sequences_ = std::exchange(other.num_sequences_, 0);
  num_tokens_ = std::exchange(other.num_tokens_, 0);
  max_length_ = other.max_length_;
  payload_crc_ = other.payload_crc_;
  offsets_ = other.offsets_;
  ids_ = other.ids_;
  heads_ = other.heads_;
  relations_ = other.relations_;
  word_index_ = other.word_index_;
  flags_ = other.flags_;
  return *this;
}

SequenceView ShardReader::sequence(int64_t i) const {
  SASMLM_CHECK(i >= 0 && i < num_sequences_,
               "sequence " + std::to_string(i) + " out of range for " + path_ + " (" +
                   std::to_string(num_sequences_) + " sequences)");
  const uint64_t begin = offsets_[i];
  SequenceView v;
  v.ids = ids_ + begin;
  v.heads = heads_ + begin;
  v.relations = relations_ + begin;
  v.word_index = word_index_ + begin;
  v.flags = flags_ + begin;
  v.length = static_cast<int64_t>(offsets_[i + 1] - begin);
  return v;
}

}  // namespace sasmlm
