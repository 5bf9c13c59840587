// libFuzzer target: the memory-mapped shard reader. The fuzzer's input is the shard's payload plus a few header
// fields; the target frames it with a consistent header and CRC-32 so that mutations reach the offset and
// section checks instead of all dying at the checksum. Raw inputs (no framing) are tried too.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "fuzz_util.h"
#include "sasmlm/core/checksum.h"
#include "sasmlm/core/error.h"
#include "sasmlm/data/shard.h"

namespace {

template <class T>
void put(std::string& out, size_t offset, T value) {
  std::memcpy(&out[offset], &value, sizeof(T));
}

// Reads every sequence; heads must stay inside their sequence (the reader promises it).
void read_all(const std::string& path) {
  sasmlm::ShardReader reader(path);
  for (int64_t i = 0; i < reader.num_sequences(); ++i) {
    const sasmlm::SequenceView view = reader.sequence(i);
    for (int64_t t = 0; t < view.length; ++t) {
      if (view.heads[t] < -1 || view.heads[t] >= view.length) __builtin_trap();
      (void)view.ids[t];
      (void)view.relations[t];
      (void)view.word_index[t];
      (void)view.flags[t];
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sasmlm;
  // Raw: the bytes as a whole file.
  try {
    read_all(fuzz_write_input(data, size, "raw.shard"));
  } catch (const UserError&) {
  }
  // Framed: 16 bytes of header fields (num_sequences, num_tokens as uint64), 4 bytes max length, then the payload.
  if (size < 20) return 0;
  uint64_t num_sequences, num_tokens;
  uint32_t max_length;
  std::memcpy(&num_sequences, data, 8);
  std::memcpy(&num_tokens, data + 8, 8);
  std::memcpy(&max_length, data + 16, 4);
  const std::string payload(reinterpret_cast<const char*>(data + 20), size - 20);
  std::string file(kShardHeaderSize, '\0');
  std::memcpy(&file[0], kShardMagic, sizeof(kShardMagic));
  put<uint32_t>(file, 8, kShardFormatVersion);
  put<uint32_t>(file, 12, kShardHeaderSize);
  put<uint64_t>(file, 16, num_sequences);
  put<uint64_t>(file, 24, num_tokens);
  put<uint64_t>(file, 32, kShardHeaderSize);
  put<uint64_t>(file, 40, payload.size());
  put<uint32_t>(file, 48, crc32(payload));
  put<uint32_t>(file, 52, max_length);
  file += payload;
  try {
    read_all(fuzz_write_input(reinterpret_cast<const uint8_t*>(file.data()), file.size(), "framed.shard"));
  } catch (const UserError&) {
  }
  return 0;
}
