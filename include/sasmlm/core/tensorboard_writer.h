// TensorBoard event files (scalars and the hparams plugin's session record), written natively so no Python or
// TensorFlow is needed at train time.
//
// Why TensorBoard: it is what researchers already open for training curves, and its event files are read directly
// by TensorBoard, tbparse/pandas and Weights & Biases' sync. Format: TFRecord framing (uint64 length, masked
// CRC-32C of the length, the bytes, masked CRC-32C of the bytes) around tensorflow.Event protobuf messages
// {wall_time, step, summary {value {tag, simple_value}}}; the protobuf bytes are encoded by hand.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace sasmlm {

// CRC-32C (Castagnoli), as TFRecord framing requires.
uint32_t crc32c(const void* data, size_t size);

// TFRecord's masked form of a CRC (stored in the framing so that a CRC of CRCs does not look valid).
uint32_t masked_crc32c(const void* data, size_t size);

using TagValue = std::pair<std::string, double>;
using HParamValue = std::variant<double, bool, std::string>;  // the hparams plugin's number, bool and string kinds

// The scalars of one metrics record under TensorBoard tags, every number in it (at any depth) once. Top-level
// numbers become `group/key`; a nested object or list at key K becomes its own dashboard section `group_K/...`,
// deeper levels joined by '/' and list items by index (dev_blimp/per_paradigm/existential_there_agreement). So
// the 67 BLiMP paradigms or 40 UAS relations do not crowd the main section. `step` and strings are left out.
std::vector<TagValue> record_scalars(const std::string& group, const nlohmann::json& record);

class TensorBoardWriter {
 public:
  // Creates `dir/events.out.tfevents.<unix time>.<host>.<pid>` (the name TensorBoard looks for).
  explicit TensorBoardWriter(const std::string& dir);
  ~TensorBoardWriter();
  TensorBoardWriter(const TensorBoardWriter&) = delete;
  TensorBoardWriter& operator=(const TensorBoardWriter&) = delete;

  // Tags and their values at one step, in one event.
  void scalars(const std::vector<TagValue>& values, int64_t step);
  // The run's hyperparameters for TensorBoard's HPARAMS tab (its session_start_info record); the tab takes the
  // metrics from the run's scalar tags.
  void hparams(const std::vector<std::pair<std::string, HParamValue>>& values);
  void flush();
  const std::string& path() const { return path_; }

 private:
  void write_event(int64_t step, const std::string& summary);
  void write_record(const std::string& event);

  std::string path_;
  std::FILE* file_ = nullptr;
};

}  // namespace sasmlm
