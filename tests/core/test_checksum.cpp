#include <gtest/gtest.h>

#include "sasmlm/core/checksum.h"
#include "sasmlm/core/rng.h"

namespace sasmlm {

TEST(Checksum, KnownVectors) {
  EXPECT_EQ(crc32(""), 0u);
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);  // the standard CRC-32 check value
  EXPECT_EQ(crc32("The quick brown fox jumps over the lazy dog"), 0x414FA339u);
}

TEST(Checksum, IncrementalEqualsWhole) {
  std::string text(1000, 'x');
  for (size_t i = 0; i < text.size(); ++i) text[i] = char(i * 31 + 7);
  uint32_t whole = crc32(text);
  for (size_t cut : {0, 1, 7, 8, 9, 500, 999}) {
    uint32_t part = crc32(text.substr(0, cut));
    EXPECT_EQ(crc32(text.substr(cut), part), whole) << "cut at " << cut;
  }
}

TEST(Rng, DeterministicAndRestorable) {
  Rng a(42), b(42);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(a.next(), b.next());
  Rng c(7);
  c.set_state(a.state());
  EXPECT_EQ(c.next(), a.next());
  double sum = 0;
  for (int i = 0; i < 100000; ++i) sum += a.uniform();
  EXPECT_NEAR(sum / 100000, 0.5, 0.01);
  EXPECT_NE(derive_key(1, 2, 3), derive_key(1, 3, 2));
}

}  // namespace sasmlm
