#include "sasmlm/train/tensorboard_writer.h"

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

uint32_t masked_crc(const void* data, size_t size) {
  const uint32_t crc = crc32c(data, size);
  return ((crc >> 15) | (crc << 17)) + 0xA282EAD8u;
}

// Protobuf wire encoding: just what Event needs.
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

}  // namespace

uint32_t crc32c(const void* data, size_t size) {
  const auto& t = crc32c_table();
  const auto* p = static_cast<const uint8_t*>(data);
  uint32_t c = ~0u;
  for (size_t i = 0; i < size; ++i) c = t[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  return ~c;
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

void TensorBoardWriter::scalar(const std::string& tag, double value, int64_t step) {
  std::string summary_value;  // Summary.Value {tag = 1; simple_value = 2}
  put_bytes(summary_value, 1, tag);
  put_tag(summary_value, 2, 5);
  put_fixed<float>(summary_value, float(value));
  std::string summary;        // Summary {repeated Value value = 1}
  put_bytes(summary, 1, summary_value);
  std::string event;          // Event {wall_time = 1; step = 2; summary = 5}
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
  put_fixed<uint32_t>(record, masked_crc(&length, sizeof(length)));
  record += event;
  put_fixed<uint32_t>(record, masked_crc(event.data(), event.size()));
  if (std::fwrite(record.data(), 1, record.size(), file_) != record.size()) {
    throw UserError("cannot write TensorBoard event file " + path_ + " (hint: is the disk full?)");
  }
}

void TensorBoardWriter::flush() { std::fflush(file_); }

}  // namespace sasmlm
