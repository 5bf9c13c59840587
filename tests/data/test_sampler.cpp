#include <gtest/gtest.h>

#include <set>

#include "sasmlm/data/sampler.h"

namespace sasmlm {

TEST(Sampler, EpochIsAPermutationAndDeterministic) {
  Sampler a(100, 10, 42), b(100, 10, 42), c(100, 10, 43);
  std::multiset<int64_t> seen;
  for (int64_t step = 0; step < 10; ++step) {
    auto batch = a.global_batch(step);
    EXPECT_EQ(batch, b.global_batch(step));
    seen.insert(batch.begin(), batch.end());
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), 100u);
  EXPECT_NE(a.global_batch(0), c.global_batch(0));
  EXPECT_NE(a.global_batch(0), a.global_batch(10)) << "each epoch reshuffles";
}

TEST(Sampler, RankSlicesAreDisjointAndUnionIsTheGlobalBatch) {
  // 37 sequences so global batches straddle epoch boundaries.
  Sampler single(37, 12, 7);
  for (int64_t world : {2, 3, 4}) {
    Sampler multi(37, 12, 7);
    for (int64_t step = 0; step < 20; ++step) {
      std::vector<int64_t> joined;
      for (int64_t r = 0; r < world; ++r) {
        auto slice = multi.rank_slice(step, r, world);
        EXPECT_EQ(int64_t(slice.size()), 12 / world);
        joined.insert(joined.end(), slice.begin(), slice.end());
      }
      EXPECT_EQ(joined, single.global_batch(step)) << "world " << world << " step " << step;
    }
  }
}

TEST(Sampler, StateIsTheStep) {
  Sampler a(1000, 32, 1);
  for (int64_t s = 0; s < 500; ++s) a.global_batch(s);
  Sampler fresh(1000, 32, 1);
  EXPECT_EQ(a.global_batch(500), fresh.global_batch(500));
}

}  // namespace sasmlm
