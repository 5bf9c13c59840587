#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sasmlm/core/checksum.h"
#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/core/rng.h"
#include "sasmlm/data/shard.h"
#include "test_util.h"

namespace sasmlm {
namespace {
namespace fs = std::filesystem;

// A sequence of `n` tokens whose columns are functions of (seed, position), so any mix-up shows.
SequenceData make_sequence(int n, int seed) {
  SequenceData s;
  for (int t = 0; t < n; ++t) {
    s.ids.push_back(1000 * seed + t);
    s.heads.push_back(static_cast<int16_t>(t == 0 ? -1 : (t * 7 + seed) % n));
    s.relations.push_back(static_cast<int16_t>(t % 3 == 0 ? -1 : (t + seed) % 40));
    s.word_index.push_back(t == 0 || t == n - 1 ? -1 : t / 2);
    s.flags.push_back(t == 1 ? kTokenSentenceStart : 0);
  }
  return s;
}

void expect_same(const SequenceView& v, const SequenceData& s) {
  ASSERT_EQ(v.length, s.size());
  for (int64_t t = 0; t < v.length; ++t) {
    EXPECT_EQ(v.ids[t], s.ids[t]);
    EXPECT_EQ(v.heads[t], s.heads[t]);
    EXPECT_EQ(v.relations[t], s.relations[t]);
    EXPECT_EQ(v.word_index[t], s.word_index[t]);
    EXPECT_EQ(v.flags[t], s.flags[t]);
  }
}

// Writes 50 sequences of varying length; returns them.
std::vector<SequenceData> write_shard(const std::string& path) {
  std::vector<SequenceData> seqs;
  ShardWriter w(path);
  for (int i = 0; i < 50; ++i) {
    seqs.push_back(make_sequence(3 + (i * 13) % 61, i));
    w.add(seqs.back());
  }
  const uint64_t bytes = w.commit();
  EXPECT_EQ(bytes, fs::file_size(path));
  return seqs;
}

std::string error_of(const std::string& path) {
  try {
    ShardReader r(path);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

void patch(const std::string& path, size_t offset, const void* bytes, size_t n) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(static_cast<const char*>(bytes), static_cast<std::streamsize>(n));
}

TEST(Shard, RoundTripAndRandomAccess) {
  test::TempDir dir;
  const std::string path = (dir / "a.shard").string();
  const auto seqs = write_shard(path);
  ShardReader r(path);
  ASSERT_EQ(r.num_sequences(), 50);
  int64_t tokens = 0;
  for (const auto& s : seqs) tokens += s.size();
  EXPECT_EQ(r.num_tokens(), tokens);
  EXPECT_EQ(r.max_length(), 63);
  Rng rng(3);
  for (int k = 0; k < 200; ++k) {
    const int64_t i = static_cast<int64_t>(rng.below(50));
    expect_same(r.sequence(i), seqs[static_cast<size_t>(i)]);
  }
  ShardReader moved = std::move(r);
  expect_same(moved.sequence(49), seqs[49]);
  EXPECT_THROW(moved.sequence(50), InternalError);
  // Only the shard itself: no temporary file left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(Shard, HeaderLayoutIsAsDocumented) {
  test::TempDir dir;
  const std::string path = (dir / "a.shard").string();
  write_shard(path);
  const std::string bytes = read_file(path);
  EXPECT_EQ(bytes.substr(0, 8), "SASMSHRD");
  uint32_t version = 0, header = 0;
  uint64_t sequences = 0, payload_offset = 0, payload_size = 0;
  std::memcpy(&version, &bytes[8], 4);
  std::memcpy(&header, &bytes[12], 4);
  std::memcpy(&sequences, &bytes[16], 8);
  std::memcpy(&payload_offset, &bytes[32], 8);
  std::memcpy(&payload_size, &bytes[40], 8);
  EXPECT_EQ(version, kShardFormatVersion);
  EXPECT_EQ(header, 64u);
  EXPECT_EQ(sequences, 50u);
  EXPECT_EQ(payload_offset, 64u);
  EXPECT_EQ(payload_offset + payload_size, bytes.size());
}

TEST(Shard, EmptyShardIsValid) {
  test::TempDir dir;
  const std::string path = (dir / "e.shard").string();
  ShardWriter w(path);
  w.commit();
  ShardReader r(path);
  EXPECT_EQ(r.num_sequences(), 0);
  EXPECT_EQ(r.num_tokens(), 0);
}

TEST(ShardBadInput, FutureVersion) {
  test::TempDir dir;
  const std::string path = (dir / "a.shard").string();
  write_shard(path);
  const uint32_t future = kShardFormatVersion + 1;
  patch(path, 8, &future, 4);
  EXPECT_EQ(error_of(path), path + ": shard format version " + std::to_string(future) + ", this build reads " +
                                std::to_string(kShardFormatVersion) +
                                " (hint: delete the prepared dir and rerun sasmlm prepare)");
}

TEST(ShardBadInput, OlderVersion) {
  test::TempDir dir;
  const std::string path = (dir / "a.shard").string();
  write_shard(path);
  const uint32_t old = 0;
  patch(path, 8, &old, 4);
  EXPECT_NE(error_of(path).find(": shard format version 0, this build reads 1 (hint: delete the prepared dir"),
            std::string::npos);
}

TEST(ShardBadInput, BadMagic) {
  test::TempDir dir;
  const std::string path = (dir / "a.shard").string();
  write_shard(path);
  patch(path, 0, "GGUF", 4);
  EXPECT_NE(error_of(path).find("not a sasmlm shard (bad magic"), std::string::npos) << error_of(path);
}

TEST(ShardBadInput, Truncated) {
  test::TempDir dir;
  const std::string path = (dir / "a.shard").string();
  write_shard(path);
  fs::resize_file(path, fs::file_size(path) - 10);
  const std::string e = error_of(path);
  EXPECT_NE(e.find(path), std::string::npos) << e;
  EXPECT_NE(e.find("truncated or corrupt"), std::string::npos) << e;
  fs::resize_file(path, 20);
  EXPECT_NE(error_of(path).find("shorter than the 64-byte header"), std::string::npos) << error_of(path);
}

TEST(ShardBadInput, FlippedByteFailsChecksum) {
  test::TempDir dir;
  const std::string path = (dir / "a.shard").string();
  write_shard(path);
  std::string bytes = read_file(path);
  const size_t at = bytes.size() / 2;
  const char flipped = static_cast<char>(bytes[at] ^ 0x10);
  patch(path, at, &flipped, 1);
  const std::string e = error_of(path);
  EXPECT_NE(e.find(path + ": shard checksum mismatch"), std::string::npos) << e;
  EXPECT_NE(e.find("hint: delete the prepared dir"), std::string::npos) << e;
  // Skipping verification opens it (the caller asked not to pay for the CRC pass).
  EXPECT_NO_THROW(ShardReader(path, false));
}

// Found by fuzz_shard: a shard whose CRC matches but whose head points outside its sequence was accepted.
TEST(ShardBadInput, HeadOutsideSequence) {
  test::TempDir dir;
  const std::string path = (dir / "a.shard").string();
  ShardWriter w(path);
  w.add(make_sequence(4, 1));
  w.commit();
  // One sequence of 4 tokens: offsets (16 bytes) and ids (16 bytes) come first, so heads start 32 bytes into the
  // payload; token 2's head becomes 9, and the CRC is recomputed so only the new check can refuse it.
  const int16_t head = 9;
  patch(path, kShardHeaderSize + 32 + 2 * sizeof(int16_t), &head, sizeof(head));
  const std::string bytes = read_file(path);
  const uint32_t crc = crc32(bytes.data() + kShardHeaderSize, bytes.size() - kShardHeaderSize);
  patch(path, 48, &crc, sizeof(crc));
  const std::string e = error_of(path);
  EXPECT_NE(e.find(path + ": corrupt shard: sequence 0 token 2 has head 9, outside the sequence of length 4"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("hint: delete the prepared dir"), std::string::npos) << e;
}

TEST(ShardBadInput, MissingFile) {
  EXPECT_NE(error_of("/nonexistent/x.shard").find("cannot open shard /nonexistent/x.shard"), std::string::npos);
}

}  // namespace
}  // namespace sasmlm
