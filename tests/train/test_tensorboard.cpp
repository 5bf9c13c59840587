#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "sasmlm/core/file_util.h"
#include "sasmlm/train/tensorboard_writer.h"
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
    writer.scalar("train/mlm_loss", 2.5, 10);
    writer.scalar("train/lambda", -0.001, 20);
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

}  // namespace sasmlm
