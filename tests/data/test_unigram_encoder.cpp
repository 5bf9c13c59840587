// UnigramEncoder: the best segmentation, Hugging Face's tie rule, unknown spans fused, byte fallback.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "sasmlm/data/sentencepiece_model.h"
#include "sasmlm/data/unigram_encoder.h"

namespace sasmlm {
namespace {

const std::string kMarker = "\xE2\x96\x81";

// Ids: 0 [UNK], then the given pieces in order (scores exact in binary, so sums are exact too).
SentencePieceModel model_of(const std::vector<std::pair<std::string, float>>& pieces, bool bytes = false) {
  SentencePieceModel m;
  m.pieces.push_back({"[UNK]", 0.0f, SentencePieceType::kUnknown});
  for (const auto& [text, score] : pieces) m.pieces.push_back({text, score, SentencePieceType::kNormal});
  if (bytes) {
    for (int b = 0; b < 256; ++b) {
      char name[8];
      std::snprintf(name, sizeof(name), "<0x%02X>", b);
      m.pieces.push_back({name, 0.0f, SentencePieceType::kByte});
    }
  }
  return m;
}

std::vector<int32_t> encode(const UnigramEncoder& e, const std::string& word) {
  std::vector<int32_t> ids;
  const int32_t count = e.encode_into(word, ids);
  EXPECT_EQ(count, int32_t(ids.size()));
  return ids;
}

TEST(UnigramEncoder, FindsTheBestSegmentation) {
  // 1 ▁  2 a  3 b  4 ab  5 ▁ab  6 abc  7 c
  const UnigramEncoder e(model_of({{kMarker, -1}, {"a", -2}, {"b", -2}, {"ab", -3}, {kMarker + "ab", -3.5f},
                                   {"abc", -9}, {"c", -2}}),
                         0);
  EXPECT_EQ(encode(e, "ab"), (std::vector<int32_t>{5}));         // ▁ab (-3.5) over ▁ + ab (-4)
  EXPECT_EQ(encode(e, "abc"), (std::vector<int32_t>{5, 7}));     // ▁ab + c (-5.5) over ▁ + abc (-10)
  EXPECT_EQ(encode(e, "ba"), (std::vector<int32_t>{1, 3, 2}));
  EXPECT_EQ(encode(e, ""), (std::vector<int32_t>{}));
}

TEST(UnigramEncoder, BreaksExactTiesAsHuggingFace) {
  // "▁aaa": a+a+a, aa+a and a+aa all score -1 - 3. Positions left to right, shorter pieces first, a later
  // candidate only when strictly better: best(▁aa) = ▁ + aa (reached from 1 before ▁a + a from 2), and the end is
  // reached first by aa from position 2 (▁ + a + aa) -> ids 1 2 3.
  const UnigramEncoder e(model_of({{kMarker, -1}, {"a", -1}, {"aa", -2}}), 0);
  EXPECT_EQ(encode(e, "aaa"), (std::vector<int32_t>{1, 2, 3}));
}

TEST(UnigramEncoder, FusesUnknownCharactersAndFallsBackToBytes) {
  const auto pieces = std::vector<std::pair<std::string, float>>{{kMarker, -1}, {"a", -1}};
  const UnigramEncoder plain(model_of(pieces), 0);
  EXPECT_EQ(encode(plain, "xy\xC3\xA9" "a"), (std::vector<int32_t>{1, 0, 2}));  // ▁ [UNK] a: one [UNK] for xyé
  const UnigramEncoder bytes(model_of(pieces, true), 0);
  const int32_t byte0 = 3;  // <0x00>
  EXPECT_EQ(encode(bytes, "x\xC3\xA9" "a"), (std::vector<int32_t>{1, byte0 + 'x', byte0 + 0xC3, byte0 + 0xA9, 2}));
  // A space inside a word is the marker, as SentencePiece escapes it.
  EXPECT_EQ(encode(plain, "a a"), (std::vector<int32_t>{1, 2, 1, 2}));
}

}  // namespace
}  // namespace sasmlm
