#include "sasmlm/core/tensorboard_events.h"

#include <cstring>
#include <filesystem>

#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/core/tensorboard_writer.h"

namespace sasmlm {
namespace {

namespace fs = std::filesystem;

// A protobuf message's fields, read just far enough to find the ones asked for.
class WireReader {
 public:
  explicit WireReader(std::string_view bytes) : bytes_(bytes) {}
  bool done() const { return pos_ >= bytes_.size(); }

  // The next field's number and wire type; false on malformed input.
  bool next(int& field, int& wire_type) {
    uint64_t key = 0;
    if (!varint(key)) return false;
    field = int(key >> 3);
    wire_type = int(key & 7);
    return true;
  }
  bool varint(uint64_t& value) {
    value = 0;
    for (int shift = 0; shift < 64 && pos_ < bytes_.size(); shift += 7) {
      const auto byte = uint8_t(bytes_[pos_++]);
      value |= uint64_t(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return true;
    }
    return false;
  }
  bool bytes(std::string_view& out) {
    uint64_t size = 0;
    if (!varint(size) || size > bytes_.size() - pos_) return false;
    out = bytes_.substr(pos_, size);
    pos_ += size;
    return true;
  }
  bool fixed(size_t size, std::string_view& out) {
    if (size > bytes_.size() - pos_) return false;
    out = bytes_.substr(pos_, size);
    pos_ += size;
    return true;
  }
  // Skips a field of the given wire type; false on malformed input or an unknown type.
  bool skip(int wire_type) {
    std::string_view ignored;
    uint64_t number = 0;
    switch (wire_type) {
      case 0: return varint(number);
      case 1: return fixed(8, ignored);
      case 2: return bytes(ignored);
      case 5: return fixed(4, ignored);
      default: return false;
    }
  }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

// Summary.Value {tag = 1; simple_value = 2}
bool parse_summary_value(std::string_view bytes, TensorBoardEvent& event) {
  WireReader in(bytes);
  std::string tag;
  bool scalar = false;
  float value = 0;
  int field = 0, type = 0;
  while (!in.done()) {
    if (!in.next(field, type)) return false;
    std::string_view part;
    if (field == 1 && type == 2) {
      if (!in.bytes(part)) return false;
      tag = std::string(part);
    } else if (field == 2 && type == 5) {
      if (!in.fixed(4, part)) return false;
      std::memcpy(&value, part.data(), 4);
      scalar = true;
    } else if (!in.skip(type)) {
      return false;
    }
  }
  if (scalar) {
    event.scalars.emplace_back(tag, value);
  } else {
    event.other_tags.push_back(tag);
  }
  return true;
}

// Event {wall_time = 1; step = 2; file_version = 3; summary = 5 {repeated Value value = 1}}
bool parse_event(std::string_view bytes, TensorBoardEvent& event) {
  WireReader in(bytes);
  int field = 0, type = 0;
  while (!in.done()) {
    if (!in.next(field, type)) return false;
    if (field == 2 && type == 0) {
      uint64_t step = 0;
      if (!in.varint(step)) return false;
      event.step = int64_t(step);
    } else if (field == 5 && type == 2) {
      std::string_view summary;
      if (!in.bytes(summary)) return false;
      event.has_summary = true;
      WireReader values(summary);
      while (!values.done()) {
        std::string_view value;
        if (!values.next(field, type)) return false;
        if (field == 1 && type == 2) {
          if (!values.bytes(value) || !parse_summary_value(value, event)) return false;
        } else if (!values.skip(type)) {
          return false;
        }
      }
    } else if (!in.skip(type)) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::vector<TensorBoardEvent> read_tensorboard_events(const std::string& path, bool* intact) {
  const std::string bytes = read_file(path, "TensorBoard event file");
  std::vector<TensorBoardEvent> events;
  size_t offset = 0;
  bool clean = true;
  while (offset < bytes.size()) {
    // uint64 length, masked CRC of the length, the event, masked CRC of the event
    uint64_t length = 0;
    uint32_t length_crc = 0, data_crc = 0;
    if (bytes.size() - offset < 12) { clean = false; break; }
    std::memcpy(&length, bytes.data() + offset, 8);
    std::memcpy(&length_crc, bytes.data() + offset + 8, 4);
    if (length_crc != masked_crc32c(&length, 8) || length > bytes.size() - offset - 16) { clean = false; break; }
    std::memcpy(&data_crc, bytes.data() + offset + 12 + length, 4);
    const std::string_view data(bytes.data() + offset + 12, length);
    TensorBoardEvent event;
    if (data_crc != masked_crc32c(data.data(), data.size()) || !parse_event(data, event)) { clean = false; break; }
    event.record = bytes.substr(offset, 16 + length);
    events.push_back(std::move(event));
    offset += 16 + length;
  }
  if (intact != nullptr) *intact = clean;
  return events;
}

int64_t drop_tensorboard_events_after(const std::string& dir, int64_t step) {
  if (!fs::is_directory(dir)) return 0;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().filename().string().rfind("events.out.tfevents.", 0) == 0) {
      files.push_back(entry.path());
    }
  }
  int64_t dropped = 0;
  for (const fs::path& file : files) {
    bool intact = true;
    const std::vector<TensorBoardEvent> events = read_tensorboard_events(file.string(), &intact);
    std::string kept;
    int64_t kept_summaries = 0, file_dropped = 0;
    for (const TensorBoardEvent& event : events) {
      if (event.has_summary && event.step > step) {
        ++file_dropped;
        continue;
      }
      kept_summaries += event.has_summary;
      kept += event.record;
    }
    if (kept_summaries == 0) {
      fs::remove(file);
    } else if (file_dropped > 0 || !intact) {
      write_file_atomic(file, kept);
    }
    dropped += file_dropped;
  }
  return dropped;
}

}  // namespace sasmlm
