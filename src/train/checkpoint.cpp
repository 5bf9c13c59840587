#include "sasmlm/train/checkpoint.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
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

// The loaders read these fields. A checkpoint whose CRC matches but whose metadata lacks them or has other types
// (written by another tool, or by hand) is refused here, naming the key, instead of failing inside the JSON library.
void check_metadata(const nlohmann::json& meta, const std::string& path) {
  if (!meta.is_object()) {
    throw UserError(path + ": checkpoint metadata is not a JSON object (found " + meta.type_name() + ")");
  }
  auto expect = [&](const char* key, bool ok, const char* expected) {
    if (ok) return;
    std::string found = meta.at(key).dump();
    if (found.size() > 60) found = found.substr(0, 57) + "...";
    throw UserError(path + ": checkpoint metadata: " + key + ": expected " + expected + ", found " + found);
  };
  if (!meta.contains("step")) throw UserError(path + ": checkpoint metadata has no step");
  expect("step", meta.at("step").is_number_integer() && meta.at("step").get<int64_t>() >= 0,
         "a non-negative integer");
  for (const char* key : {"nonfinite_steps", "tokens_seen", "world_size", "loader_next_step", "saved_at_unix"}) {
    if (meta.contains(key)) expect(key, meta.at(key).is_number_integer(), "an integer");
  }
  if (meta.contains("tokenizer_checksum")) {
    const auto& crc = meta.at("tokenizer_checksum");
    expect("tokenizer_checksum", crc.is_number_unsigned() && crc.get<uint64_t>() <= 0xffffffffULL,
           "a CRC-32 (an integer from 0 to 4294967295)");
  }
  if (meta.contains("model")) expect("model", meta.at("model").is_object(), "an object");
  if (meta.contains("config_yaml")) expect("config_yaml", meta.at("config_yaml").is_string(), "a string");
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
  check_metadata(out.metadata, path);
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

namespace {

// A killed writer leaves step_N.ckpt.tmp.<pid> behind (never read: step_of() rejects the name); once its process is
// gone the file is only wasted space, as large as a checkpoint.
void remove_dead_temporaries(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const size_t at = name.find(".ckpt.tmp.");
    if (name.rfind("step_", 0) != 0 || at == std::string::npos) continue;
    const std::string pid_text = name.substr(at + 10);
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = pid_t(std::stol(pid_text));
    if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
    std::error_code remove_ec;
    if (fs::remove(entry.path(), remove_ec)) log_info("removed the partial checkpoint of a killed run: ", name);
  }
}

}  // namespace

void prune_checkpoints(const std::string& dir, int64_t keep_last, const std::vector<int64_t>& keep_steps) {
  remove_dead_temporaries(dir);
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
