#include "model_test_util.h"
#include "sasmlm/model/bert.h"
#include "sasmlm/model/token_layout.h"

#include <gtest/gtest.h>

#include <optional>

namespace sasmlm {
namespace {

using test::mask_from_lengths;
using test::max_abs_diff;
using test::micro_options;
using test::random_ids;
using test::RecordingObserver;

TEST(TokenLayout, NoLayoutWithoutPadding) {
  EXPECT_FALSE(TokenLayout::from_mask(torch::Tensor()).has_value());
  EXPECT_FALSE(TokenLayout::from_mask(torch::ones({2, 5}, torch::kBool)).has_value());
}

TEST(TokenLayout, AKnownCountGivesTheSameLayoutWithoutReadingItBack) {
  const torch::Tensor mask = mask_from_lengths({3, 1, 4}, 4);  // (3, 4), 8 real
  const std::optional<TokenLayout> counted = TokenLayout::from_mask(mask);
  const std::optional<TokenLayout> known = TokenLayout::from_mask(mask, 8);
  ASSERT_TRUE(counted.has_value() && known.has_value());
  EXPECT_EQ(known->real_tokens(), 8);
  const torch::Tensor padded = torch::randn({3, 4, 5});
  EXPECT_TRUE(torch::equal(known->unpad(padded), counted->unpad(padded)));
  // A count equal to the mask's size means no padding; a count beyond it is a caller's bug.
  EXPECT_FALSE(TokenLayout::from_mask(torch::ones({2, 5}, torch::kBool), 10).has_value());
  EXPECT_THROW(TokenLayout::from_mask(mask, 13), std::exception);
}

TEST(TokenLayout, UnpadKeepsRealRowsInOrderAndPadRestoresThemWithZeros) {
  const torch::Tensor mask = mask_from_lengths({3, 1, 4}, 4);  // (3, 4)
  const std::optional<TokenLayout> layout = TokenLayout::from_mask(mask);
  ASSERT_TRUE(layout.has_value());
  EXPECT_EQ(layout->real_tokens(), 8);
  const torch::Tensor padded = torch::arange(3 * 4 * 2, torch::kFloat32).view({3, 4, 2});
  const torch::Tensor packed = layout->unpad(padded);  // (8, 2)
  ASSERT_EQ(packed.sizes(), (std::vector<int64_t>{8, 2}));
  // Rows in (b, t) order: (0,0) (0,1) (0,2) (1,0) (2,0) (2,1) (2,2) (2,3).
  const std::vector<int64_t> flat = {0, 1, 2, 4, 8, 9, 10, 11};
  for (size_t r = 0; r < flat.size(); ++r) {
    EXPECT_EQ(packed[int64_t(r)][0].item<float>(), float(2 * flat[r])) << "row " << r;
  }
  const torch::Tensor back = layout->pad(packed);  // (3, 4, 2)
  const torch::Tensor keep = mask.unsqueeze(-1).to(torch::kFloat32);
  EXPECT_TRUE(torch::equal(back, padded * keep));
}

// The same weights with and without unpadding: identical hidden states at real positions, identical gradients,
// identical attention probabilities at real query rows.
TEST(TokenLayout, UnpaddedEncoderMatchesThePaddedOneInValuesGradientsAndProbabilities) {
  torch::manual_seed(3);
  BertOptions o = micro_options();
  o.unpad = false;
  BertForMaskedLM padded(o);
  o.unpad = true;
  BertForMaskedLM unpadded(o);
  {
    torch::NoGradGuard no_grad;
    const auto src = padded->named_parameters();
    for (auto& p : unpadded->named_parameters()) p.value().copy_(src[p.key()]);
  }
  const torch::Tensor mask = mask_from_lengths({7, 3, 9, 5}, 9);  // (4, 9)
  const torch::Tensor ids = random_ids(mask, o.vocab_size);
  const torch::Tensor weights = torch::randn({4, 9, o.hidden});
  const torch::Tensor keep = mask.unsqueeze(-1).to(torch::kFloat32);

  RecordingObserver seen_padded({1}, false), seen_unpadded({1}, false);
  const torch::Tensor h_padded = padded->encode(ids, mask, &seen_padded);        // (B, T, H)
  const torch::Tensor h_unpadded = unpadded->encode(ids, mask, &seen_unpadded);  // (B, T, H)
  EXPECT_LT(max_abs_diff(h_padded * keep, h_unpadded), 1e-5);
  EXPECT_EQ((h_unpadded * (1 - keep)).abs().max().item<float>(), 0.0f) << "padded positions are zero";
  const torch::Tensor rows = mask.view({4, 1, 9, 1}).to(torch::kFloat32);
  EXPECT_LT(max_abs_diff(seen_padded.seen.at(1) * rows, seen_unpadded.seen.at(1) * rows), 1e-6);

  (h_padded * weights * keep).sum().backward();
  (h_unpadded * weights * keep).sum().backward();
  const auto grads = padded->named_parameters();
  for (const auto& p : unpadded->named_parameters()) {
    if (!p.value().grad().defined()) continue;
    EXPECT_LT(max_abs_diff(p.value().grad(), grads[p.key()].grad()), 1e-5) << p.key();
  }
}

}  // namespace
}  // namespace sasmlm
