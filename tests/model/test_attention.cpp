#include "model_test_util.h"
#include "sasmlm/model/attention.h"
#include "sasmlm/model/bert.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sasmlm {
namespace {

using test::mask_from_lengths;
using test::max_abs_diff;
using test::random_ids;
using test::RecordingObserver;

BertOptions small_test_options() {
  BertOptions o;
  o.vocab_size = 50;
  o.layers = 3;
  o.hidden = 32;
  o.heads = 4;
  o.intermediate = 48;
  o.max_position = 32;
  o.dropout = 0.0;
  o.attention_dropout = 0.0;
  return o;
}

// Forward + backward of a fixed scalar function of the outputs; returns the hidden states and every gradient.
struct PassResult {
  torch::Tensor hidden;
  std::vector<torch::Tensor> grads;
};

PassResult run_pass(BertForMaskedLM& model, const torch::Tensor& ids, const torch::Tensor& mask,
                    const torch::Tensor& positions, const torch::Tensor& weights, AttentionObserver* observer) {
  model->zero_grad();
  const auto hidden = model->encode(ids, mask, observer);
  const auto logits = model->mlm_logits(hidden, positions);
  const auto loss = (hidden * weights).sum() + logits.logsumexp(-1).sum();
  loss.backward();
  PassResult result{hidden.detach(), {}};
  for (const auto& p : model->parameters()) result.grads.push_back(p.grad().clone());
  return result;
}

TEST(AdditiveKeyMask, ZeroAtRealKeysFiniteLowestAtPadding) {
  const auto mask = mask_from_lengths({3, 1}, 4);
  for (auto dtype : {torch::kFloat32, torch::kBFloat16, torch::kFloat16, torch::kFloat64}) {
    const auto additive = additive_key_mask(mask, dtype);  // (2, 1, 1, 4)
    ASSERT_EQ(additive.sizes().vec(), (std::vector<int64_t>{2, 1, 1, 4}));
    EXPECT_EQ(additive.scalar_type(), dtype);
    EXPECT_TRUE(torch::isfinite(additive).all().item<bool>()) << dtype;
    const auto flat = additive.view({2, 4}).to(torch::kFloat64);
    EXPECT_EQ(flat[0][2].item<double>(), 0.0);
    EXPECT_EQ(flat[1][0].item<double>(), 0.0);
    EXPECT_LT(flat[0][3].item<double>(), -1e4);
    EXPECT_LT(flat[1][1].item<double>(), -1e4);
  }
}

TEST(Attention, FastAndProbabilityPathsAgreeWithPadding) {
  torch::manual_seed(11);
  BertForMaskedLM model(small_test_options());
  model->train();  // dropout rates are 0, so training mode is deterministic; checks the training code path
  const auto mask = mask_from_lengths({12, 9, 4, 1}, 12);
  const auto ids = random_ids(mask, 50);
  const auto positions = torch::tensor({0, 5, 13, 20, 26, 36, 40}, torch::kInt64);
  const auto weights = torch::randn({4, 12, 32});

  const PassResult fast = run_pass(model, ids, mask, positions, weights, nullptr);
  RecordingObserver all_layers({0, 1, 2}, false);
  const PassResult probs = run_pass(model, ids, mask, positions, weights, &all_layers);
  EXPECT_EQ(all_layers.seen.size(), 3u);
  RecordingObserver one_layer({1}, true);
  const PassResult mixed = run_pass(model, ids, mask, positions, weights, &one_layer);
  EXPECT_EQ(one_layer.seen.size(), 1u);
  EXPECT_EQ(one_layer.seen.count(1), 1u);

  EXPECT_LT(max_abs_diff(fast.hidden, probs.hidden), 1e-5);
  EXPECT_LT(max_abs_diff(fast.hidden, mixed.hidden), 1e-5);
  ASSERT_EQ(fast.grads.size(), probs.grads.size());
  double worst = 0.0;
  for (size_t i = 0; i < fast.grads.size(); ++i) {
    const double scale = std::max(1.0, fast.grads[i].abs().max().item<double>());
    worst = std::max(worst, max_abs_diff(fast.grads[i], probs.grads[i]) / scale);
    worst = std::max(worst, max_abs_diff(fast.grads[i], mixed.grads[i]) / scale);
  }
  EXPECT_LT(worst, 1e-5);
  std::cout << "[ diff     ] fast vs probability path: hidden " << max_abs_diff(fast.hidden, probs.hidden)
            << ", gradients (relative to each tensor's max) " << worst << "\n";
}

TEST(Attention, UndefinedMaskMeansAllTokensReal) {
  torch::manual_seed(15);
  BertForMaskedLM model(small_test_options());
  model->eval();
  const auto mask = torch::ones({2, 9}, torch::kBool);
  const auto ids = random_ids(mask, 50);
  for (bool probability_path : {false, true}) {
    RecordingObserver with_mask({0, 1, 2}, false);
    RecordingObserver without_mask({0, 1, 2}, false);
    const auto a = model->encode(ids, mask, probability_path ? &with_mask : nullptr);
    const auto b = model->encode(ids, torch::Tensor(), probability_path ? &without_mask : nullptr);
    EXPECT_LT(max_abs_diff(a, b), 1e-6) << "probability path " << probability_path;
    if (probability_path) {
      EXPECT_LT(max_abs_diff(with_mask.seen.at(2), without_mask.seen.at(2)), 1e-7);
    }
  }
}

TEST(Attention, ObserverSeesNormalisedRowsAndZeroPaddedKeys) {
  torch::manual_seed(12);
  BertForMaskedLM model(small_test_options());
  model->eval();
  const std::vector<int64_t> lengths = {10, 6, 2};
  const auto mask = mask_from_lengths(lengths, 10);
  RecordingObserver observer({0, 2}, false);
  model->encode(random_ids(mask, 50), mask, &observer);
  ASSERT_EQ(observer.seen.size(), 2u);
  for (const auto& [layer, probs] : observer.seen) {
    ASSERT_EQ(probs.sizes().vec(), (std::vector<int64_t>{3, 4, 10, 10})) << layer;
    EXPECT_TRUE(probs.requires_grad()) << "probabilities must stay in the autograd graph";
    for (size_t b = 0; b < lengths.size(); ++b) {
      const auto row = probs[static_cast<int64_t>(b)];  // (H, T, T)
      const auto real = row.narrow(-1, 0, lengths[b]);
      EXPECT_LT(max_abs_diff(real.sum(-1), torch::ones({4, 10})), 1e-6) << "layer " << layer << " row " << b;
      EXPECT_GT(real.min().item<double>(), 0.0);
      if (lengths[b] < 10) {
        EXPECT_EQ(row.narrow(-1, lengths[b], 10 - lengths[b]).abs().max().item<double>(), 0.0)
            << "padded keys must get exactly 0";
      }
    }
  }
}

TEST(Attention, PostDropoutProbabilitiesAreDroppedAndRescaled) {
  BertOptions o = small_test_options();
  o.attention_dropout = 0.5;
  torch::manual_seed(13);
  BertForMaskedLM model(o);
  const auto mask = mask_from_lengths({16, 16}, 16);
  const auto ids = random_ids(mask, 50);

  model->train();
  RecordingObserver pre({0}, false);
  model->encode(ids, mask, &pre);
  const auto pre_probs = pre.seen.at(0);  // (2, 4, 16, 16)
  EXPECT_GT(pre_probs.min().item<double>(), 0.0);
  EXPECT_LT(max_abs_diff(pre_probs.sum(-1), torch::ones({2, 4, 16})), 1e-6);

  RecordingObserver post({0}, true);
  torch::manual_seed(99);
  model->encode(ids, mask, &post);
  const auto post_probs = post.seen.at(0);
  const double zero_share = (post_probs == 0).to(torch::kFloat64).mean().item<double>();
  EXPECT_GT(zero_share, 0.4);
  EXPECT_LT(zero_share, 0.6);
  // Survivors are the pre-dropout probabilities scaled by 1 / (1 - p). Layer 0's input does not depend on dropout
  // here (hidden dropout is 0), so the same pre-dropout probabilities apply.
  const auto kept = post_probs != 0;
  EXPECT_LT(max_abs_diff(post_probs.masked_select(kept), 2.0 * pre_probs.masked_select(kept)), 1e-6);

  // In eval mode dropout is off: post equals pre.
  model->eval();
  RecordingObserver eval_post({0}, true);
  model->encode(ids, mask, &eval_post);
  EXPECT_LT(max_abs_diff(eval_post.seen.at(0), pre_probs), 1e-6);
}

TEST(Attention, DropoutIsActiveOnTheFastPathInTraining) {
  BertOptions o = small_test_options();
  o.attention_dropout = 0.3;
  torch::manual_seed(14);
  BertForMaskedLM model(o);
  const auto mask = mask_from_lengths({8}, 8);
  const auto ids = random_ids(mask, 50);
  model->eval();
  const auto a = model->encode(ids, mask);
  const auto b = model->encode(ids, mask);
  EXPECT_TRUE(torch::equal(a, b));
  model->train();
  const auto c = model->encode(ids, mask);
  EXPECT_GT(max_abs_diff(a, c), 1e-3);
}

}  // namespace
}  // namespace sasmlm
