// libFuzzer target: the checkpoint container reader (read_checkpoint: magic, version, lengths, CRC-32, JSON
// metadata) and the metadata fields the loaders read. Inputs starting with the magic get their trailing CRC-32
// recomputed, so mutations reach the length and metadata checks instead of all dying at the checksum. The torch
// archive payload is not opened: that parser belongs to libtorch.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "fuzz_util.h"
#include "sasmlm/core/checksum.h"
#include "sasmlm/core/error.h"
#include "sasmlm/train/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sasmlm;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.size() >= 12 && bytes.compare(0, 8, "SASMCKPT") == 0) {
    const uint32_t crc = crc32(bytes.data(), bytes.size() - 4);
    std::memcpy(&bytes[bytes.size() - 4], &crc, 4);
  }
  const std::string path =
      fuzz_write_input(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "step_00000001.ckpt");
  try {
    const LoadedCheckpoint checkpoint = read_checkpoint(path);
    if (checkpoint.path != path) __builtin_trap();
  } catch (const UserError&) {
  }
  return 0;
}
