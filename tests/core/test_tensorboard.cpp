#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <map>

#include "sasmlm/core/file_util.h"
#include "sasmlm/core/tensorboard_events.h"
#include "sasmlm/core/tensorboard_writer.h"
#include "test_util.h"

namespace sasmlm {

TEST(TensorBoard, Crc32cKnownVector) {
  EXPECT_EQ(crc32c("123456789", 9), 0xE3069283u);  // the standard CRC-32C check value
}

TEST(TensorBoard, RecordsAreFramedWithValidChecksums) {
  test::TempDir dir;
  std::string path;
  {
    TensorBoardWriter writer((dir / "tb").string());
    writer.scalars({{"train/mlm_loss", 2.5}}, 10);
    writer.scalars({{"train/lambda", -0.001}}, 20);
    path = writer.path();
  }
  EXPECT_EQ(std::filesystem::path(path).filename().string().rfind("events.out.tfevents.", 0), 0u);
  const std::string bytes = read_file(path);
  size_t offset = 0;
  int records = 0;
  auto unmask = [](uint32_t m) {
    uint32_t rot = m - 0xA282EAD8u;
    return (rot >> 17) | (rot << 15);
  };
  while (offset < bytes.size()) {
    uint64_t length;
    uint32_t length_crc, data_crc;
    ASSERT_LE(offset + 12, bytes.size());
    std::memcpy(&length, bytes.data() + offset, 8);
    std::memcpy(&length_crc, bytes.data() + offset + 8, 4);
    EXPECT_EQ(unmask(length_crc), crc32c(&length, 8));
    ASSERT_LE(offset + 12 + length + 4, bytes.size());
    std::memcpy(&data_crc, bytes.data() + offset + 12 + length, 4);
    EXPECT_EQ(unmask(data_crc), crc32c(bytes.data() + offset + 12, length));
    offset += 12 + length + 4;
    ++records;
  }
  EXPECT_EQ(records, 3);  // file_version + two scalars
  EXPECT_NE(bytes.find("train/mlm_loss"), std::string::npos);
  float value = 2.5f;
  EXPECT_NE(bytes.find(std::string(reinterpret_cast<const char*>(&value), 4)), std::string::npos);
}

TEST(TensorBoard, RecordScalarsGivesEveryNumberOneTagAndNestedObjectsTheirOwnSection) {
  const nlohmann::json record = nlohmann::json::parse(R"({
      "step": 40, "split": "dev", "mlm_loss": 2.5, "uas": 0.4,
      "blimp": {"overall": 0.55, "per_paradigm": {"anaphor_gender_agreement": 0.5}},
      "uas_best_head": {"direction": "to_head", "layer": 3}, "twonn": [11.5, 9.25], "missing": null})");
  std::map<std::string, double> tags;
  for (const auto& [tag, value] : record_scalars("dev", record)) EXPECT_TRUE(tags.emplace(tag, value).second) << tag;
  const std::map<std::string, double> expected = {
      {"dev/mlm_loss", 2.5}, {"dev/uas", 0.4}, {"dev_blimp/overall", 0.55},
      {"dev_blimp/per_paradigm/anaphor_gender_agreement", 0.5}, {"dev_uas_best_head/layer", 3},
      {"dev_twonn/0", 11.5}, {"dev_twonn/1", 9.25}};
  EXPECT_EQ(tags, expected);  // no step, no strings ("dev", "to_head"), no null
}

TEST(TensorBoard, EventsReadBackWithTheirStepsTagsAndHparams) {
  test::TempDir dir;
  std::string path;
  {
    TensorBoardWriter writer((dir / "tb").string());
    writer.hparams({{"trainer.lr", 0.001}, {"model.preset", std::string("tiny")}, {"logging.tensorboard", true}});
    writer.scalars({{"train/mlm_loss", 2.5}, {"train/lr", 0.25}}, 7);
    path = writer.path();
  }
  bool intact = false;
  const auto events = read_tensorboard_events(path, &intact);
  EXPECT_TRUE(intact);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_FALSE(events[0].has_summary);  // the file-version record
  ASSERT_EQ(events[1].other_tags, std::vector<std::string>{"_hparams_/session_start_info"});
  const std::string& hparams = events[1].record;
  for (const char* part : {"hparams", "trainer.lr", "model.preset", "tiny", "logging.tensorboard"}) {
    EXPECT_NE(hparams.find(part), std::string::npos) << part;
  }
  EXPECT_EQ(events[2].step, 7);
  const std::vector<std::pair<std::string, float>> scalars = {{"train/mlm_loss", 2.5f}, {"train/lr", 0.25f}};
  EXPECT_EQ(events[2].scalars, scalars);
}

TEST(TensorBoard, DroppingStepsAfterAResumePointRewritesTheFileAndCutsATornTail) {
  test::TempDir dir;
  const std::string tb = (dir / "tb").string();
  std::string path;
  {
    TensorBoardWriter writer(tb);
    for (int64_t step : {10, 20, 30, 40}) writer.scalars({{"train/mlm_loss", double(step)}}, step);
    path = writer.path();
  }
  // A run killed mid-write leaves half a record.
  const std::string whole = read_file(path);
  write_file_atomic(path, whole + whole.substr(whole.size() - 30, 20));
  bool intact = true;
  EXPECT_EQ(read_tensorboard_events(path, &intact).size(), 5u);
  EXPECT_FALSE(intact);

  EXPECT_EQ(drop_tensorboard_events_after(tb, 20), 2);
  const auto events = read_tensorboard_events(path, &intact);
  EXPECT_TRUE(intact);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].step, 10);
  EXPECT_EQ(events[2].step, 20);
  EXPECT_EQ(drop_tensorboard_events_after(tb, 20), 0);  // nothing more to drop: the file stays as it is

  // Starting again at step 0: every event goes, and a file with no summary left is removed.
  EXPECT_EQ(drop_tensorboard_events_after(tb, -1), 2);
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(drop_tensorboard_events_after((dir / "absent").string(), 5), 0);
}

}  // namespace sasmlm
