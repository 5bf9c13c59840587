// CRC-32 (IEEE 802.3 polynomial) for file integrity checks in shards, manifests and checkpoints.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sasmlm {

// Incremental CRC-32: pass the previous value to continue a running checksum (start from 0).
uint32_t crc32(const void* data, size_t size, uint32_t previous = 0);
inline uint32_t crc32(std::string_view text, uint32_t previous = 0) { return crc32(text.data(), text.size(), previous); }

// CRC-32 of a whole file streamed in blocks; throws UserError if it cannot be read.
uint32_t crc32_file(const std::string& path);

// Fixed-width lowercase hex, e.g. "0a1b2c3d".
std::string hex32(uint32_t value);

}  // namespace sasmlm
