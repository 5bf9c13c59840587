#include "sasmlm/sas/random_arcs.h"

#include "sas_test_util.h"
#include "sasmlm/sas/arcs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <tuple>
#include <vector>

namespace sasmlm {
namespace {

using Pair = std::tuple<int64_t, int64_t, int64_t>;  // (row, a, b)

std::vector<Pair> rows_of(const torch::Tensor& arcs) {
  const auto a = arcs.accessor<int64_t, 2>();
  std::vector<Pair> out;
  for (int64_t k = 0; k < arcs.size(0); ++k) out.emplace_back(a[k][0], a[k][1], a[k][2]);
  return out;
}

std::multiset<int64_t> distances(const torch::Tensor& arcs) {
  std::multiset<int64_t> out;
  for (const auto& [row, dependent, head] : rows_of(arcs)) out.insert(head - dependent);
  return out;
}

struct Fixture {
  test::SasBatch batch = test::make_sas_batch({40, 33, 17, 40, 25, 9}, 40, 99);
  torch::Tensor arcs = extract_arcs(batch.heads, batch.attention_mask);
};

TEST(RandomArcs, SameCountAndSameSignedDistanceMultiset) {
  Fixture f;
  ASSERT_GT(f.arcs.size(0), 100);
  for (uint64_t key = 0; key < 20; ++key) {
    const torch::Tensor random = sample_random_arcs(f.arcs, f.batch.attention_mask, key);
    ASSERT_EQ(random.size(0), f.arcs.size(0)) << "key " << key;
    EXPECT_EQ(distances(random), distances(f.arcs)) << "key " << key;
  }
}

TEST(RandomArcs, PairsLieInsideRealTokensAvoidSpecialsAndNeverHitARealArc) {
  Fixture f;
  const auto mask = f.batch.attention_mask.accessor<bool, 2>();
  std::set<Pair> real;
  for (const auto& [row, dependent, head] : rows_of(f.arcs)) {
    real.emplace(row, dependent, head);
    real.emplace(row, head, dependent);
  }
  for (uint64_t key = 0; key < 20; ++key) {
    std::set<Pair> seen;
    for (const auto& [row, x, y] : rows_of(sample_random_arcs(f.arcs, f.batch.attention_mask, key))) {
      int64_t last_real = 0;
      for (int64_t t = 0; t < f.batch.attention_mask.size(1); ++t) {
        if (mask[row][t]) last_real = t;
      }
      for (int64_t position : {x, y}) {
        EXPECT_GE(position, 1) << "[CLS] drawn";
        EXPECT_LT(position, last_real) << "final [SEP] or padding drawn";
        EXPECT_TRUE(mask[row][position]);
      }
      EXPECT_EQ(real.count(Pair(row, x, y)), 0u) << "real arc drawn (either orientation)";
      EXPECT_TRUE(seen.insert(Pair(row, std::min(x, y), std::max(x, y))).second) << "pair drawn twice";
    }
  }
}

TEST(RandomArcs, PairsStayInTheirArcsRowWhenItHasRoom) {
  // Random trees have long arcs, some of which find no free pair of their distance in their own row; the others
  // must stay in their row (rows keep their own arc counts as far as possible).
  Fixture f;
  const auto arcs = rows_of(f.arcs);
  int64_t own_row = 0, total = 0;
  for (uint64_t key = 0; key < 20; ++key) {
    const auto random = rows_of(sample_random_arcs(f.arcs, f.batch.attention_mask, key));
    ASSERT_EQ(random.size(), arcs.size());
    for (size_t k = 0; k < arcs.size(); ++k) {
      own_row += std::get<0>(random[k]) == std::get<0>(arcs[k]) ? 1 : 0;
      ++total;
      // A pair of distance 1 always has room in its own (long enough) row.
      const int64_t d = std::get<2>(arcs[k]) - std::get<1>(arcs[k]);
      if (std::abs(d) == 1 && std::get<0>(arcs[k]) != 5) {
        EXPECT_EQ(std::get<0>(random[k]), std::get<0>(arcs[k]));
      }
    }
  }
  std::printf("pairs drawn in their arc's own row: %lld of %lld\n", (long long)own_row, (long long)total);
  EXPECT_GT(double(own_row), 0.9 * double(total));
}

TEST(RandomArcs, DeterministicPerKeyAndDifferentAcrossKeys) {
  Fixture f;
  const torch::Tensor a = sample_random_arcs(f.arcs, f.batch.attention_mask, 12345);
  const torch::Tensor b = sample_random_arcs(f.arcs, f.batch.attention_mask, 12345);
  const torch::Tensor c = sample_random_arcs(f.arcs, f.batch.attention_mask, 12346);
  EXPECT_TRUE(torch::equal(a, b));
  ASSERT_EQ(a.sizes(), c.sizes());
  // Different keys give (almost entirely) different draws, not a shuffled copy.
  const auto ra = rows_of(a), rc = rows_of(c);
  const std::set<Pair> sa(ra.begin(), ra.end());
  int64_t shared = 0;
  for (const Pair& p : rc) shared += int64_t(sa.count(p));
  EXPECT_LT(shared, int64_t(ra.size()) / 3);
}

TEST(RandomArcs, ShortRowsBorrowRoomFromOtherRows) {
  // Row 0: [CLS] w1 w2 [SEP] with arc 1 -> 2: its only distance-1 pair is the real arc, so the pair must come from
  // row 1, which is long enough.
  const torch::Tensor heads = torch::tensor({{-1, 2, -1, -1, -1, -1, -1, -1}, {-1, -1, -1, -1, -1, -1, -1, -1}},
                                            torch::kInt64);
  torch::Tensor mask = torch::ones({2, 8}, torch::kBool);
  mask.index_put_({0, torch::indexing::Slice(4)}, false);
  const torch::Tensor arcs = extract_arcs(heads, mask);
  const torch::Tensor random = sample_random_arcs(arcs, mask, 7);
  ASSERT_EQ(random.size(0), 1);
  EXPECT_EQ(random[0][0].item<int64_t>(), 1);
  EXPECT_EQ(random[0][2].item<int64_t>() - random[0][1].item<int64_t>(), 1);
}

TEST(RandomArcs, PairsThatFitNowhereAreDropped) {
  const torch::Tensor heads = torch::tensor({{-1, 2, -1, -1}}, torch::kInt64);
  const torch::Tensor mask = torch::ones({1, 4}, torch::kBool);
  const torch::Tensor random = sample_random_arcs(extract_arcs(heads, mask), mask, 1);
  EXPECT_EQ(random.size(0), 0);
  EXPECT_EQ(random.size(1), 3);
}

TEST(RandomArcs, EmptyInputGivesEmptyOutput) {
  const torch::Tensor mask = torch::ones({2, 6}, torch::kBool);
  const torch::Tensor arcs = extract_arcs(torch::full({2, 6}, -1, torch::kInt64), mask);
  EXPECT_EQ(sample_random_arcs(arcs, mask, 1).size(0), 0);
}

}  // namespace
}  // namespace sasmlm
