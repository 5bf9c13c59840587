#include <gtest/gtest.h>

#include "sasmlm/core/rng.h"
#include "sasmlm/data/loader.h"
#include "sasmlm/data/masking.h"
#include "sasmlm/data/tokenizer.h"

namespace sasmlm {
namespace {

// A clean batch of `rows` sequences [CLS] w... [SEP] [PAD]... with random word ids.
Batch make_clean_batch(int64_t rows, int64_t length, int64_t vocab, uint64_t seed) {
  std::vector<SequenceRecord> records;
  Rng rng(seed);
  std::vector<int64_t> ids;
  for (int64_t r = 0; r < rows; ++r) {
    SequenceRecord rec;
    const int64_t n = length / 2 + int64_t(rng.below(uint64_t(length / 2 - 1)));  // leaves padding in most rows
    rec.ids.push_back(kClsId);
    for (int64_t i = 0; i < n; ++i) rec.ids.push_back(int32_t(kNumSpecialTokens + rng.below(uint64_t(vocab - kNumSpecialTokens))));
    rec.ids.push_back(kSepId);
    rec.heads.assign(rec.ids.size(), -1);
    rec.word_index.assign(rec.ids.size(), -1);
    records.push_back(rec);
    ids.push_back(r);
  }
  VectorSequenceSource source(records);
  return collate(source, ids, 0);
}

}  // namespace

TEST(Masking, RatesWithinHalfAPointOverAMillionTokens) {
  MaskingOptions options{0.15, 0.8, 0.1, 1000};
  int64_t maskable = 0, selected = 0, to_mask = 0, to_random = 0, kept = 0;
  for (uint64_t round = 0; round < 40; ++round) {
    Batch clean = make_clean_batch(256, 256, options.vocab_size, round);
    Batch masked = apply_masking(clean, options, derive_key(7, round));
    auto clean_ids = clean.input_ids.flatten();
    auto masked_ids = masked.input_ids.flatten();
    maskable += (clean_ids >= kNumSpecialTokens).sum().item<int64_t>();
    selected += masked.mlm_positions.size(0);
    auto before = clean_ids.index_select(0, masked.mlm_positions);
    auto after = masked_ids.index_select(0, masked.mlm_positions);
    ASSERT_TRUE(torch::equal(before, masked.mlm_labels));
    to_mask += (after == kMaskId).sum().item<int64_t>();
    kept += (after == before).sum().item<int64_t>();
    to_random += ((after != before) & (after != kMaskId)).sum().item<int64_t>();
    // Unselected positions are untouched.
    auto unselected = torch::ones_like(clean_ids, torch::kBool);
    unselected.index_fill_(0, masked.mlm_positions, false);
    ASSERT_TRUE(torch::equal(clean_ids.masked_select(unselected), masked_ids.masked_select(unselected)));
  }
  ASSERT_GE(maskable, 1000000);
  const double select_rate = double(selected) / double(maskable);
  EXPECT_NEAR(select_rate, 0.15, 0.005);
  EXPECT_NEAR(double(to_mask) / double(selected), 0.8, 0.005);
  // A random replacement can draw the original token (1 in 995): count those as kept, as BERT does.
  EXPECT_NEAR(double(to_random) / double(selected), 0.1, 0.005);
  EXPECT_NEAR(double(kept) / double(selected), 0.1, 0.005);
}

TEST(Masking, SpecialTokensAndPaddingNeverSelected) {
  MaskingOptions options{0.9, 0.8, 0.1, 50};
  Batch clean = make_clean_batch(64, 40, options.vocab_size, 3);
  Batch masked = apply_masking(clean, options, 11);
  auto labels = masked.mlm_labels;
  EXPECT_TRUE((labels >= kNumSpecialTokens).all().item<bool>());
  auto mask_flat = clean.attention_mask.flatten();
  EXPECT_TRUE(mask_flat.index_select(0, masked.mlm_positions).all().item<bool>());
  // Special tokens survive at their positions.
  auto clean_flat = clean.input_ids.flatten();
  auto special = (clean_flat < kNumSpecialTokens);
  EXPECT_TRUE(torch::equal(clean_flat.masked_select(special), masked.input_ids.flatten().masked_select(special)));
  // Random replacements are never special tokens.
  EXPECT_TRUE((masked.input_ids.flatten().masked_select(~special) >= kNumSpecialTokens - 1).all().item<bool>());
}

TEST(Masking, PureFunctionOfBatchAndKey) {
  MaskingOptions options{0.15, 0.8, 0.1, 500};
  Batch clean = make_clean_batch(16, 64, options.vocab_size, 5);
  Batch a = apply_masking(clean, options, 99);
  Batch b = apply_masking(clean, options, 99);
  Batch c = apply_masking(clean, options, 100);
  EXPECT_TRUE(torch::equal(a.input_ids, b.input_ids));
  EXPECT_TRUE(torch::equal(a.mlm_positions, b.mlm_positions));
  EXPECT_FALSE(torch::equal(a.input_ids, c.input_ids));
  EXPECT_TRUE(torch::equal(clean.input_ids, make_clean_batch(16, 64, options.vocab_size, 5).input_ids))
      << "masking must not modify its input";
}

}  // namespace sasmlm
