#include <gtest/gtest.h>

#include "sasmlm/data/loader.h"
#include "sasmlm/data/tokenizer.h"

namespace sasmlm {
namespace {

std::shared_ptr<VectorSequenceSource> make_source(int64_t n) {
  std::vector<SequenceRecord> records;
  for (int64_t i = 0; i < n; ++i) {
    SequenceRecord r;
    const int64_t words = 3 + i % 9;
    r.ids.push_back(kClsId);
    r.heads.push_back(-1);
    r.word_index.push_back(-1);
    for (int64_t w = 0; w < words; ++w) {
      r.ids.push_back(int32_t(kNumSpecialTokens + (i * 7 + w) % 90));
      r.heads.push_back(w == 0 ? -1 : 1);  // every word points at the first word (position 1)
      r.word_index.push_back(int32_t(w));
    }
    r.ids.push_back(kSepId);
    r.heads.push_back(-1);
    r.word_index.push_back(-1);
    records.push_back(r);
  }
  return std::make_shared<VectorSequenceSource>(records);
}

LoaderOptions options(int64_t rank, int64_t world, int64_t micro) {
  LoaderOptions o;
  o.batch_size = 8;
  o.micro_batch_size = micro;
  o.rank = rank;
  o.world_size = world;
  o.seed = 5;
  o.prefetch = 3;
  o.masking = MaskingOptions{0.15, 0.8, 0.1, 100};
  return o;
}

}  // namespace

TEST(Loader, CollatePadsAndKeepsArcs) {
  auto source = make_source(4);
  Batch b = collate(*source, {0, 3}, 9);
  EXPECT_EQ(b.input_ids.sizes(), (std::vector<int64_t>{2, 8}));
  EXPECT_EQ(b.num_real_tokens, 5 + 8);
  EXPECT_EQ(b.input_ids[0][5].item<int64_t>(), kPadId);
  EXPECT_FALSE(b.attention_mask[0][5].item<bool>());
  EXPECT_EQ(b.heads[1][2].item<int64_t>(), 1);
  EXPECT_EQ(b.step, 9);
}

TEST(Loader, RestoringTheStepGivesTheIdenticalNextBatch) {
  auto source = make_source(50);
  Loader first(source, options(0, 1, 0), 0);
  std::vector<StepBatches> seen;
  for (int i = 0; i < 12; ++i) seen.push_back(first.next());
  Loader resumed(source, options(0, 1, 0), 7);  // as restored from a checkpoint at step 7
  for (int i = 7; i < 12; ++i) {
    StepBatches b = resumed.next();
    ASSERT_EQ(b.step, i);
    EXPECT_TRUE(torch::equal(b.micro[0].input_ids, seen[size_t(i)].micro[0].input_ids));
    EXPECT_TRUE(torch::equal(b.micro[0].mlm_positions, seen[size_t(i)].micro[0].mlm_positions));
  }
  EXPECT_EQ(resumed.next_step(), 12);
}

TEST(Loader, TwoRanksTogetherSeeTheSingleRankBatchMaskedTheSame) {
  auto source = make_source(30);
  Loader single(source, options(0, 1, 0), 0);
  Loader r0(source, options(0, 2, 2), 0), r1(source, options(1, 2, 2), 0);
  for (int step = 0; step < 6; ++step) {
    StepBatches s = single.next(), a = r0.next(), b = r1.next();
    ASSERT_EQ(a.micro.size(), 2u);
    std::vector<int64_t> ids;
    int64_t masked = 0;
    for (auto* part : {&a, &b}) {
      for (auto& m : part->micro) {
        for (int64_t i = 0; i < m.sequence_ids.size(0); ++i) ids.push_back(m.sequence_ids[i].item<int64_t>());
        masked += m.mlm_positions.size(0);
      }
    }
    std::vector<int64_t> expected(s.micro[0].sequence_ids.data_ptr<int64_t>(),
                                  s.micro[0].sequence_ids.data_ptr<int64_t>() + 8);
    EXPECT_EQ(ids, expected);
    EXPECT_EQ(masked, s.num_masked) << "masking is per sequence, not per batch layout";
  }
}

TEST(Loader, ThreadExceptionReachesTheCaller) {
  class Failing : public SequenceSource {
   public:
    int64_t size() const override { return 10; }
    void read(int64_t, SequenceRecord&) const override { throw std::runtime_error("shard went away"); }
  };
  Loader loader(std::make_shared<Failing>(), options(0, 1, 0), 0);
  EXPECT_THROW(loader.next(), std::runtime_error);
}

}  // namespace sasmlm
