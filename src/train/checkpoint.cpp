#include "sasmlm/train/checkpoint.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "sasmlm/core/checksum.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/core/logging.h"

namespace sasmlm {
namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'S', 'A', 'S', 'M', 'C', 'K', 'P', 'T'};

template <class T>
void append_pod(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

// Reads a POD at `offset`, checking bounds; names the file on truncation.
template <class T>
T read_pod(const std::string& bytes, size_t& offset, const std::string& path, const char* what) {
  if (offset + sizeof(T) > bytes.size()) {
    throw UserError(path + ": truncated checkpoint (ends inside the " + std::string(what) + ")");
  }
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  offset += sizeof(T);
  return value;
}

int64_t step_of(const fs::path& path) {
  // step_00001234.ckpt
  const std::string stem = path.stem().string();
  if (stem.rfind("step_", 0) != 0 || path.extension() != ".ckpt") return -1;
  try {
    return std::stoll(stem.substr(5));
  } catch (...) {
    return -1;
  }
}

}  // namespace

void write_checkpoint(const std::string& path, const nlohmann::json& metadata,
                      torch::serialize::OutputArchive& archive) {
  std::ostringstream payload_stream;
  archive.save_to(payload_stream);
  const std::string payload = payload_stream.str();
  const std::string meta = metadata.dump();

  std::string head;
  head.append(kMagic, sizeof(kMagic));
  append_pod<uint32_t>(head, kCheckpointVersion);
  append_pod<uint64_t>(head, meta.size());
  head += meta;
  append_pod<uint64_t>(head, payload.size());
  uint32_t crc = crc32(head);
  crc = crc32(payload, crc);

  AtomicFileWriter writer(path);
  writer.write(head);
  writer.write(payload);
  writer.write(&crc, sizeof(crc));
  writer.commit();
}

LoadedCheckpoint read_checkpoint(const std::string& path) {
  const std::string bytes = read_file(path, "checkpoint");
  size_t offset = 0;
  if (bytes.size() < sizeof(kMagic) || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    throw UserError(path + ": not a sasmlm checkpoint (bad magic)");
  }
  offset = sizeof(kMagic);
  const auto version = read_pod<uint32_t>(bytes, offset, path, "header");
  if (version != kCheckpointVersion) {
    throw UserError(path + ": checkpoint format version " + std::to_string(version) + ", this build reads " +
                    std::to_string(kCheckpointVersion));
  }
  const auto meta_size = read_pod<uint64_t>(bytes, offset, path, "header");
  if (meta_size > bytes.size() - offset) throw UserError(path + ": truncated checkpoint (metadata)");
  const std::string meta = bytes.substr(offset, meta_size);
  offset += meta_size;
  const auto payload_size = read_pod<uint64_t>(bytes, offset, path, "header");
  if (payload_size > bytes.size() - offset || bytes.size() - offset - payload_size != sizeof(uint32_t)) {
    throw UserError(path + ": truncated checkpoint (payload is " + std::to_string(bytes.size() - offset) +
                    " bytes, header says " + std::to_string(payload_size) + " + 4)");
  }
  uint32_t stored_crc;
  std::memcpy(&stored_crc, bytes.data() + offset + payload_size, sizeof(stored_crc));
  const uint32_t actual_crc = crc32(bytes.data(), offset + payload_size);
  if (stored_crc != actual_crc) {
    throw UserError(path + ": checkpoint checksum mismatch (stored " + hex32(stored_crc) + ", computed " +
                    hex32(actual_crc) + "): the file is corrupt");
  }
  LoadedCheckpoint out;
  out.path = path;
  try {
    out.metadata = nlohmann::json::parse(meta);
  } catch (const std::exception& e) {
    throw UserError(path + ": unreadable checkpoint metadata: " + e.what());
  }
  out.payload = bytes.substr(offset, payload_size);
  return out;
}

void open_payload(const LoadedCheckpoint& checkpoint, torch::serialize::InputArchive& archive) {
  std::istringstream stream(checkpoint.payload);
  try {
    archive.load_from(stream);
  } catch (const c10::Error& e) {
    throw UserError(checkpoint.path + ": unreadable checkpoint payload: " + e.what_without_backtrace());
  }
}

std::string checkpoint_name(int64_t step) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "step_%08lld.ckpt", static_cast<long long>(step));
  return buf;
}

std::vector<std::string> list_checkpoints(const std::string& dir) {
  std::vector<std::pair<int64_t, std::string>> found;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return {};
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const int64_t step = step_of(entry.path());
    if (step >= 0 && entry.is_regular_file()) found.emplace_back(step, entry.path().string());
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(f.second);
  return out;
}

std::optional<LoadedCheckpoint> newest_valid_checkpoint(const std::string& dir) {
  for (const std::string& path : list_checkpoints(dir)) {
    try {
      return read_checkpoint(path);
    } catch (const UserError& e) {
      log_warn("skipping corrupt checkpoint: ", e.what());
    }
  }
  return std::nullopt;
}

void prune_checkpoints(const std::string& dir, int64_t keep_last, const std::vector<int64_t>& keep_steps) {
  int64_t kept = 0;
  for (const std::string& path : list_checkpoints(dir)) {
    const int64_t step = step_of(path);
    if (std::find(keep_steps.begin(), keep_steps.end(), step) != keep_steps.end()) continue;
    if (kept++ < keep_last) continue;
    std::error_code ec;
    fs::remove(path, ec);
  }
}

}  // namespace sasmlm
