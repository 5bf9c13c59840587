// TensorBoard event files (scalars only), written natively so no Python or TensorFlow is needed at train time.
//
// Why TensorBoard: it is what researchers already open for training curves, and its event files are read directly
// by TensorBoard, tbparse/pandas and Weights & Biases' sync. Format: TFRecord framing (uint64 length, masked
// CRC-32C of the length, the bytes, masked CRC-32C of the bytes) around tensorflow.Event protobuf messages
// {wall_time, step, summary {value {tag, simple_value}}}; the protobuf bytes are encoded by hand.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace sasmlm {

// CRC-32C (Castagnoli), as TFRecord framing requires.
uint32_t crc32c(const void* data, size_t size);

class TensorBoardWriter {
 public:
  // Creates `dir/events.out.tfevents.<unix time>.<host>` (the name TensorBoard looks for).
  explicit TensorBoardWriter(const std::string& dir);
  ~TensorBoardWriter();
  TensorBoardWriter(const TensorBoardWriter&) = delete;
  TensorBoardWriter& operator=(const TensorBoardWriter&) = delete;

  void scalar(const std::string& tag, double value, int64_t step);
  void flush();
  const std::string& path() const { return path_; }

 private:
  void write_record(const std::string& event);

  std::string path_;
  std::FILE* file_ = nullptr;
};

}  // namespace sasmlm
