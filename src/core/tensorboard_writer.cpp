#include "sasmlm/core/tensorboard_writer.h"

#include <unistd.h>

#include <array>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"

namespace sasmlm {
namespace {

const std::array<uint32_t, 256>& crc32c_table() {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (0x82F63B78u ^ (c >> 1)) : (c >> 1);
      t[i] = c;
    }
    return t;
  }();
  return table;
}

// Protobuf wire encoding: just what Event and the hparams records need.
void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(char(v | 0x80));
    v >>= 7;
  }
  out.push_back(char(v));
}
void put_tag(std::string& out, int field, int wire_type) { put_varint(out, uint64_t(field << 3 | wire_type)); }
template <class T>
void put_fixed(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}
void put_bytes(std::string& out, int field, const std::string& bytes) {
  put_tag(out, field, 2);
  put_varint(out, bytes.size());
  out += bytes;
}

double wall_time() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void flatten(const std::string& prefix, const nlohmann::json& value, std::vector<TagValue>& out) {
  if (value.is_number()) {
    out.emplace_back(prefix, value.get<double>());
  } else if (value.is_object()) {
    for (const auto& [key, item] : value.items()) flatten(prefix + "/" + key, item, out);
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) flatten(prefix + "/" + std::to_string(i), value[i], out);
  }  // strings, bools and nulls are not scalars
}

// google.protobuf.Value {number_value = 2; string_value = 3; bool_value = 4}
std::string encode_value(const HParamValue& value) {
  std::string out;
  if (const double* number = std::get_if<double>(&value)) {
    put_tag(out, 2, 1);
    put_fixed<double>(out, *number);
  } else if (const std::string* text = std::get_if<std::string>(&value)) {
    put_bytes(out, 3, *text);
  } else {
    put_tag(out, 4, 0);
    put_varint(out, std::get<bool>(value) ? 1 : 0);
  }
  return out;
}

}  // namespace

uint32_t crc32c(const void* data, size_t size) {
  const auto& t = crc32c_table();
  const auto* p = static_cast<const uint8_t*>(data);
  uint32_t c = ~0u;
  for (size_t i = 0; i < size; ++i) c = t[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  return ~c;
}

uint32_t masked_crc32c(const void* data, size_t size) {
  const uint32_t crc = crc32c(data, size);
  return ((crc >> 15) | (crc << 17)) + 0xA282EAD8u;
}

std::vector<TagValue> record_scalars(const std::string& group, const nlohmann::json& record) {
  std::vector<TagValue> out;
  for (const auto& [key, value] : record.items()) {
    if (key == "step") continue;
    if (value.is_number()) {
      out.emplace_back(group + "/" + key, value.get<double>());
    } else {
      flatten(group + "_" + key, value, out);
    }
  }
  return out;
}

TensorBoardWriter::TensorBoardWriter(const std::string& dir) {
  ensure_directory(dir);
  char host[256] = "localhost";
  ::gethostname(host, sizeof(host) - 1);
  path_ = (std::filesystem::path(dir) /
           ("events.out.tfevents." + std::to_string(int64_t(wall_time())) + "." + host + "." +
            std::to_string(::getpid())))
              .string();
  file_ = std::fopen(path_.c_str(), "wb");
  if (file_ == nullptr) throw UserError("cannot create TensorBoard event file " + path_);
  // The first event names the file format version.
  std::string event;
  put_tag(event, 1, 1);
  put_fixed<double>(event, wall_time());
  put_bytes(event, 3, "brain.Event:2");
  write_record(event);
}

TensorBoardWriter::~TensorBoardWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

void TensorBoardWriter::scalars(const std::vector<TagValue>& values, int64_t step) {
  if (values.empty()) return;
  std::string summary;  // Summary {repeated Value value = 1}
  for (const auto& [tag, value] : values) {
    std::string summary_value;  // Summary.Value {tag = 1; simple_value = 2}
    put_bytes(summary_value, 1, tag);
    put_tag(summary_value, 2, 5);
    put_fixed<float>(summary_value, float(value));
    put_bytes(summary, 1, summary_value);
  }
  write_event(step, summary);
}

void TensorBoardWriter::hparams(const std::vector<std::pair<std::string, HParamValue>>& values) {
  std::string start_info;  // SessionStartInfo {map<string, Value> hparams = 1; double start_time_secs = 5}
  for (const auto& [name, value] : values) {
    std::string entry;  // a map entry: {key = 1; value = 2}
    put_bytes(entry, 1, name);
    put_bytes(entry, 2, encode_value(value));
    put_bytes(start_info, 1, entry);
  }
  put_tag(start_info, 5, 1);
  put_fixed<double>(start_info, wall_time());
  std::string content;  // HParamsPluginData {int32 version = 1; SessionStartInfo session_start_info = 3}
  put_tag(content, 1, 0);
  put_varint(content, 0);
  put_bytes(content, 3, start_info);
  std::string plugin_data;  // PluginData {plugin_name = 1; content = 2}
  put_bytes(plugin_data, 1, "hparams");
  put_bytes(plugin_data, 2, content);
  std::string metadata;  // SummaryMetadata {plugin_data = 1}
  put_bytes(metadata, 1, plugin_data);
  std::string summary_value;  // Summary.Value {tag = 1; metadata = 9}: the record TensorBoard's own writers make
  put_bytes(summary_value, 1, "_hparams_/session_start_info");
  put_bytes(summary_value, 9, metadata);
  std::string summary;
  put_bytes(summary, 1, summary_value);
  write_event(0, summary);
}

void TensorBoardWriter::write_event(int64_t step, const std::string& summary) {
  std::string event;  // Event {wall_time = 1; step = 2; summary = 5}
  put_tag(event, 1, 1);
  put_fixed<double>(event, wall_time());
  put_tag(event, 2, 0);
  put_varint(event, uint64_t(step));
  put_bytes(event, 5, summary);
  write_record(event);
}

void TensorBoardWriter::write_record(const std::string& event) {
  std::string record;
  const uint64_t length = event.size();
  put_fixed<uint64_t>(record, length);
  put_fixed<uint32_t>(record, masked_crc32c(&length, sizeof(length)));
  record += event;
  put_fixed<uint32_t>(record, masked_crc32c(event.data(), event.size()));
  if (std::fwrite(record.data(), 1, record.size(), file_) != record.size()) {
    throw UserError("cannot write TensorBoard event file " + path_ + " (hint: is the disk full?)");
  }
}

void TensorBoardWriter::flush() { std::fflush(file_); }

}  // namespace sasmlm
