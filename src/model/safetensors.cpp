#include "sasmlm/model/safetensors.h"

#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/core/logging.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <set>

namespace sasmlm {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "safetensors I/O copies raw bytes: little-endian hosts only");

namespace {

constexpr uint64_t kMaxHeaderBytes = 100ull << 20;  // the reference implementation's limit
constexpr size_t kHeaderAlignment = 8;              // header padded so the data buffer starts 8-byte aligned

struct DtypeName {
  torch::ScalarType type;
  const char* name;
};

const std::vector<DtypeName>& dtype_names() {
  static const std::vector<DtypeName> names = {
      {torch::kFloat64, "F64"}, {torch::kFloat32, "F32"}, {torch::kFloat16, "F16"}, {torch::kBFloat16, "BF16"},
      {torch::kInt64, "I64"},   {torch::kInt32, "I32"},   {torch::kInt16, "I16"},   {torch::kInt8, "I8"},
      {torch::kUInt8, "U8"},    {torch::kBool, "BOOL"},
  };
  return names;
}

const char* dtype_to_name(torch::ScalarType type) {
  for (const auto& d : dtype_names()) {
    if (d.type == type) return d.name;
  }
  throw UserError(cat("safetensors: tensor dtype ", c10::toString(type), " is not supported"));
}

// The stored tensor's description from the header, checked against the buffer size.
struct Entry {
  std::string name;
  torch::ScalarType type;
  std::vector<int64_t> shape;
  uint64_t begin = 0;
  uint64_t end = 0;
};

Entry parse_entry(const std::string& where, const std::string& name, const nlohmann::json& value) {
  const std::string at = cat(where, ": tensor '", name, "'");
  if (!value.is_object() || !value.contains("dtype") || !value.contains("shape") || !value.contains("data_offsets")) {
    throw UserError(cat(at, ": expected an object with dtype, shape and data_offsets, found ", value.dump()));
  }
  Entry e;
  e.name = name;
  const auto& dtype = value["dtype"];
  const std::string dtype_name = dtype.is_string() ? dtype.get<std::string>() : dtype.dump();
  bool known = false;
  for (const auto& d : dtype_names()) {
    if (dtype_name == d.name) {
      e.type = d.type;
      known = true;
    }
  }
  if (!known) {
    throw UserError(
        cat(at, ": unsupported dtype ", dtype_name, " (supported: F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL)"));
  }
  const auto& shape = value["shape"];
  if (!shape.is_array()) throw UserError(cat(at, ": shape must be an array, found ", shape.dump()));
  for (const auto& d : shape) {
    if (!d.is_number_unsigned()) {
      throw UserError(cat(at, ": shape entries must be non-negative integers, found ", shape.dump()));
    }
    e.shape.push_back(d.get<int64_t>());
  }
  const auto& offsets = value["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
      !offsets[1].is_number_unsigned()) {
    throw UserError(cat(at, ": data_offsets must be [begin, end], found ", offsets.dump()));
  }
  e.begin = offsets[0].get<uint64_t>();
  e.end = offsets[1].get<uint64_t>();
  uint64_t bytes = c10::elementSize(e.type);
  for (int64_t d : e.shape) bytes *= static_cast<uint64_t>(d);
  if (e.end < e.begin || e.end - e.begin != bytes) {
    throw UserError(cat(at, ": data_offsets [", e.begin, ", ", e.end, "] span ", e.end - e.begin,
                        " bytes but dtype ", dtype_name, " and shape ", shape.dump(), " need ", bytes));
  }
  return e;
}

}  // namespace

void write_safetensors(const std::filesystem::path& path,
                       const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::set<std::string> names;
  uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    SASMLM_CHECK(names.insert(name).second, "duplicate safetensors name " + name);
    SASMLM_CHECK(name != "__metadata__", "reserved safetensors name");
    const uint64_t bytes = static_cast<uint64_t>(tensor.numel()) * tensor.element_size();
    header[name] = {{"dtype", dtype_to_name(tensor.scalar_type())},
                    {"shape", tensor.sizes().vec()},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text = header.dump();
  text.append((kHeaderAlignment - text.size() % kHeaderAlignment) % kHeaderAlignment, ' ');
  const uint64_t header_size = text.size();

  AtomicFileWriter writer(path);
  writer.write(&header_size, sizeof(header_size));
  writer.write(text);
  for (const auto& [name, tensor] : tensors) {
    const torch::Tensor data = tensor.detach().to(torch::kCPU).contiguous();
    writer.write(data.data_ptr(), static_cast<size_t>(data.numel()) * data.element_size());
  }
  writer.commit();
}

SafetensorsFile read_safetensors(const std::filesystem::path& path) {
  const std::string where = path.string();
  require_regular_file(path, "safetensors file");  // before the stream opens it: a FIFO would block, /dev/zero never end
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(cat(where, ": cannot open safetensors file"));
  std::error_code ec;
  const uint64_t file_size = std::filesystem::file_size(path, ec);
  if (ec) throw UserError(cat(where, ": cannot read the file size: ", ec.message()));

  uint64_t header_size = 0;
  if (file_size < sizeof(header_size) || !in.read(reinterpret_cast<char*>(&header_size), sizeof(header_size))) {
    throw UserError(cat(where, ": not a safetensors file: shorter than its 8-byte header length"));
  }
  if (header_size > kMaxHeaderBytes || header_size > file_size - sizeof(header_size)) {
    throw UserError(cat(where, ": not a safetensors file: header length ", header_size, " exceeds the file size (",
                        file_size, " bytes) or the 100 MiB limit"));
  }
  std::string text(header_size, '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(header_size))) {
    throw UserError(cat(where, ": truncated safetensors header"));
  }
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw UserError(cat(where, ": safetensors header is not valid JSON: ", e.what()));
  }
  if (!header.is_object()) throw UserError(cat(where, ": safetensors header must be a JSON object"));

  SafetensorsFile file;
  std::vector<Entry> entries;
  for (const auto& [name, value] : header.items()) {
    if (name == "__metadata__") {
      if (!value.is_object()) throw UserError(cat(where, ": __metadata__ must be an object of strings"));
      for (const auto& [key, v] : value.items()) {
        if (!v.is_string()) throw UserError(cat(where, ": __metadata__ value of '", key, "' must be a string"));
        file.metadata[key] = v.get<std::string>();
      }
      continue;
    }
    entries.push_back(parse_entry(where, name, value));
  }

  // The tensors must tile the data buffer exactly.
  const uint64_t data_size = file_size - sizeof(header_size) - header_size;
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t expected_begin = 0;
  for (const Entry& e : entries) {
    if (e.begin != expected_begin) {
      throw UserError(cat(where, ": tensor '", e.name, "' starts at byte ", e.begin, " of the data buffer, expected ",
                          expected_begin, " (holes or overlaps are not allowed)"));
    }
    expected_begin = e.end;
  }
  if (expected_begin != data_size) {
    throw UserError(cat(where, ": the tensors cover ", expected_begin, " bytes but the data buffer holds ", data_size,
                        " (truncated or trailing bytes)"));
  }

  for (const Entry& e : entries) {
    torch::Tensor tensor = torch::empty(e.shape, torch::TensorOptions().dtype(e.type));
    const auto bytes = static_cast<std::streamsize>(e.end - e.begin);
    in.seekg(static_cast<std::streamoff>(sizeof(header_size) + header_size + e.begin));
    if (bytes > 0 && !in.read(static_cast<char*>(tensor.data_ptr()), bytes)) {
      throw UserError(cat(where, ": could not read the data of tensor '", e.name, "'"));
    }
    file.tensors.emplace(e.name, std::move(tensor));
  }
  return file;
}

}  // namespace sasmlm
