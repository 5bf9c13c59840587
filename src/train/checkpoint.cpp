#include "sasmlm/train/checkpoint.h"

#include <signal.h>
#include <unistd.h>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "sasmlm/core/checksum.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/core/name_suggestion.h"

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
  // Magic and lengths are checked against the file's size before any bulk read, so a huge file that is not a
  // checkpoint costs 28 bytes, and a device or FIFO is refused before it is opened for reading.
  uint64_t file_size = 0;
  const int fd = open_regular_file(path, "checkpoint", &file_size);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  constexpr uint64_t kFixedHead = sizeof(kMagic) + sizeof(uint32_t) + sizeof(uint64_t);  // magic, version, M
  std::string head(size_t(std::min<uint64_t>(file_size, kFixedHead)), '\0');
  read_exact(fd, 0, head.data(), head.size(), path);
  if (std::memcmp(head.data(), kMagic, std::min(head.size(), sizeof(kMagic))) != 0 || file_size == 0) {
    throw UserError(path + ": not a sasmlm checkpoint (bad magic)");
  }
  size_t offset = sizeof(kMagic);
  if (head.size() < sizeof(kMagic)) throw UserError(path + ": truncated checkpoint (ends inside the header)");
  const auto version = read_pod<uint32_t>(head, offset, path, "header");
  if (version != kCheckpointVersion) {
    throw UserError(path + ": checkpoint format version " + std::to_string(version) + ", this build reads " +
                    std::to_string(kCheckpointVersion));
  }
  const auto meta_size = read_pod<uint64_t>(head, offset, path, "header");
  if (meta_size > file_size - offset) {
    throw UserError(path + ": truncated checkpoint (metadata: the header says " + std::to_string(meta_size) +
                    " bytes, the file has " + std::to_string(file_size - offset) + " after the header)");
  }
  if (file_size - offset - meta_size < sizeof(uint64_t)) {
    throw UserError(path + ": truncated checkpoint (ends inside the header)");
  }
  head.resize(size_t(offset + meta_size + sizeof(uint64_t)));
  read_exact(fd, offset, head.data() + offset, head.size() - offset, path);
  const std::string meta = head.substr(offset, size_t(meta_size));
  offset += size_t(meta_size);
  const auto payload_size = read_pod<uint64_t>(head, offset, path, "header");
  const uint64_t rest = file_size - offset;  // payload + CRC as the file has them
  if (payload_size > rest || rest - payload_size < sizeof(uint32_t)) {
    throw UserError(path + ": truncated checkpoint (payload is " + std::to_string(rest) + " bytes, header says " +
                    std::to_string(payload_size) + " + 4)");
  }
  if (rest - payload_size > sizeof(uint32_t)) {
    throw UserError(path + ": checkpoint is too long (" + std::to_string(file_size) + " bytes, the header accounts "
                    "for " + std::to_string(offset + payload_size + sizeof(uint32_t)) + "): " +
                    std::to_string(rest - payload_size - sizeof(uint32_t)) + " bytes after the checksum (hint: was "
                    "something appended to it, or another file copied over it?)");
  }
  std::string payload(size_t(payload_size), '\0');
  read_exact(fd, offset, payload.data(), payload.size(), path);
  uint32_t stored_crc;
  read_exact(fd, offset + payload_size, &stored_crc, sizeof(stored_crc), path);
  const uint32_t actual_crc = crc32(payload, crc32(head));
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
  out.payload = std::move(payload);
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

int64_t checkpoint_step(const std::string& path) {
  const std::string name = fs::path(path).filename().string();
  const std::string prefix = "step_", suffix = ".ckpt";
  if (name.size() <= prefix.size() + suffix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return -1;
  }
  const std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return -1;
  try {
    return std::stoll(digits);
  } catch (const std::out_of_range&) {  // more digits than an int64_t holds: not a name checkpoint_name writes
    return -1;
  }
}

CheckpointIdentity checkpoint_identity(const std::string& path) {
  CheckpointIdentity identity;
  const int fd = open_regular_file(path, "checkpoint", &identity.bytes);
  try {
    if (identity.bytes < sizeof(uint32_t)) throw UserError(path + ": truncated checkpoint (shorter than its CRC-32)");
    read_exact(fd, identity.bytes - sizeof(uint32_t), &identity.crc32, sizeof(uint32_t), path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  return identity;
}

std::vector<std::string> list_checkpoints(const std::string& dir) {
  std::vector<std::pair<int64_t, std::string>> found;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return {};
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const int64_t step = checkpoint_step(entry.path().string());
    if (step >= 0 && entry.is_regular_file()) found.emplace_back(step, entry.path().string());
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(f.second);
  return out;
}

CheckpointSearch find_newest_valid_checkpoint(const std::string& dir) {
  CheckpointSearch out;
  for (const std::string& path : list_checkpoints(dir)) {
    try {
      out.newest_valid = read_checkpoint(path);
      return out;
    } catch (const UserError& e) {
      out.rejected.push_back(e.what());
    }
  }
  return out;
}

std::optional<LoadedCheckpoint> newest_valid_checkpoint(const std::string& dir) {
  CheckpointSearch search = find_newest_valid_checkpoint(dir);
  for (const std::string& why : search.rejected) log_warn("skipping corrupt checkpoint: ", why);
  return std::move(search.newest_valid);
}

std::optional<LoadedCheckpoint> resume_auto_checkpoint(const std::string& dir) {
  CheckpointSearch search = find_newest_valid_checkpoint(dir);
  if (!search.newest_valid && !search.rejected.empty()) {
    throw UserError("--resume auto: none of the " + std::to_string(search.rejected.size()) + " checkpoint(s) in " +
                    dir + " is valid, so nothing was resumed or changed: " + join_names(search.rejected, "; ") +
                    " (hint: --resume PATH loads a checkpoint you choose; to start over, move the checkpoints away or "
                    "choose another run.dir)");
  }
  for (const std::string& why : search.rejected) log_warn("skipping corrupt checkpoint: ", why);
  return std::move(search.newest_valid);
}

namespace {

// A killed writer leaves step_N.ckpt.tmp.<pid> behind (never read: checkpoint_step() rejects the name); once its
// process is gone the file is only wasted space, as large as a checkpoint.
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

namespace {

// Whether a checkpoint verifies (read_checkpoint), remembered per file identity (inode, size, mtime) so each file is
// read once per process, not at every prune. Files that fail are warned about once.
bool verifies(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  const std::string identity = path + "|" + std::to_string(st.st_ino) + "|" + std::to_string(st.st_size) + "|" +
                               std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
  static std::mutex mutex;
  static std::map<std::string, bool> known;
  {
    std::lock_guard<std::mutex> lock(mutex);
    const auto it = known.find(identity);
    if (it != known.end()) return it->second;
  }
  bool ok = true;
  try {
    read_checkpoint(path);
  } catch (const UserError& e) {
    ok = false;
    log_warn("checkpoint retention: not counting (and not deleting) ", e.what());
  }
  std::lock_guard<std::mutex> lock(mutex);
  known[identity] = ok;
  return ok;
}

}  // namespace

void prune_checkpoints(const std::string& dir, int64_t keep_last, const std::vector<int64_t>& keep_steps) {
  remove_dead_temporaries(dir);
  // Only checkpoints that verify count toward keep_last: a damaged or foreign file named like the newest checkpoint
  // must not push a valid one out. The newest valid checkpoint is always kept (keep_last >= 1).
  int64_t kept = 0;
  for (const std::string& path : list_checkpoints(dir)) {
    const int64_t step = checkpoint_step(path);
    if (std::find(keep_steps.begin(), keep_steps.end(), step) != keep_steps.end()) continue;
    if (!verifies(path)) continue;
    if (kept++ < std::max<int64_t>(keep_last, 1)) continue;
    std::error_code ec;
    fs::remove(path, ec);
  }
}

}  // namespace sasmlm
