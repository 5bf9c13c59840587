// Reader and writer for the safetensors format (Hugging Face's tensor container), written from its specification:
//
//   bytes 0..7     N, the header length, unsigned 64-bit little-endian
//   bytes 8..8+N   JSON header (UTF-8; may be padded with trailing spaces):
//                    {"__metadata__": {"key": "value", ...},            (optional, string values only)
//                     "<name>": {"dtype": "F32", "shape": [d0, d1, ...], "data_offsets": [begin, end]}, ...}
//   bytes 8+N..    the data buffer; offsets are relative to its start. Tensors are row-major, little-endian,
//                  and tile the buffer exactly: no holes, no overlaps.
//
// dtypes: F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL. Readers here check every rule above and refuse a file that
// breaks one with a UserError naming the file and the tensor.
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace sasmlm {

// Writes `tensors` in the given order (names must be unique), atomically. Tensors may live on any device and be
// non-contiguous; they are copied to CPU as they are written.
void write_safetensors(const std::filesystem::path& path,
                       const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

struct SafetensorsFile {
  std::map<std::string, torch::Tensor> tensors;   // CPU tensors in their stored dtype
  std::map<std::string, std::string> metadata;    // "__metadata__", empty when absent
};

// Reads and validates a whole file.
SafetensorsFile read_safetensors(const std::filesystem::path& path);

}  // namespace sasmlm
