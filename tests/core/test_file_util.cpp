#include <gtest/gtest.h>

#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "test_util.h"

namespace sasmlm {

TEST(AtomicFileWriter, CommitPublishesAndAbandonLeavesOldFile) {
  test::TempDir dir;
  auto path = dir / "out.txt";
  write_file_atomic(path, "first");
  EXPECT_EQ(read_file(path), "first");
  {
    AtomicFileWriter writer(path);
    writer.write(std::string_view("second, never committed"));
  }  // destroyed without commit: the old file stays and no temporary remains
  EXPECT_EQ(read_file(path), "first");
  int entries = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) entries += e.is_regular_file();
  EXPECT_EQ(entries, 1);
}

TEST(AtomicFileWriter, MissingDirectoryIsAUserError) {
  test::TempDir dir;
  try {
    AtomicFileWriter writer(dir / "no" / "such" / "file");
    FAIL() << "expected UserError";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot create"), std::string::npos) << e.what();
  }
}

TEST(ReadFile, MissingFileNamesWhatAndPath) {
  try {
    read_file("/nonexistent/x.yaml", "config file");
    FAIL() << "expected UserError";
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "config file not found: /nonexistent/x.yaml");
  }
}

}  // namespace sasmlm
