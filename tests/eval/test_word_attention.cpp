// Subword -> word attention aggregation and head prediction, on attention maps written by hand.
#include <gtest/gtest.h>

#include "sasmlm/eval/word_attention.h"

namespace sasmlm {
namespace {

torch::Tensor rows_to_tensor(const std::vector<std::vector<float>>& rows) {
  torch::Tensor t = torch::zeros({int64_t(rows.size()), int64_t(rows[0].size())});
  for (size_t i = 0; i < rows.size(); ++i) {
    for (size_t j = 0; j < rows[i].size(); ++j) t[int64_t(i)][int64_t(j)] = rows[i][j];
  }
  return t;
}

// "a b1 b2 c": three words, the second split into two pieces. Columns: [CLS] a b1 b2 c [SEP].
torch::Tensor three_word_probs() {
  return rows_to_tensor({{0.5f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f},
                         {0.1f, 0.2f, 0.3f, 0.25f, 0.05f, 0.1f},
                         {0.05f, 0.5f, 0.1f, 0.2f, 0.05f, 0.1f},
                         {0.2f, 0.1f, 0.3f, 0.0f, 0.3f, 0.1f},
                         {0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.5f},
                         {0.3f, 0.2f, 0.1f, 0.1f, 0.1f, 0.2f}});
}

TEST(WordAttention, PieceWordMapNumbersClsWordsAndSep) {
  EXPECT_EQ(piece_word_map({1, 2, 1}), (std::vector<int64_t>{0, 1, 2, 2, 3, 4}));
  EXPECT_EQ(piece_word_map({3}), (std::vector<int64_t>{0, 1, 1, 1, 2}));
}

TEST(WordAttention, MultiPieceWordComputedByHand) {
  const torch::Tensor probs = three_word_probs().view({1, 1, 6, 6});
  const torch::Tensor piece_word = torch::tensor({0, 1, 2, 2, 3, 4}, torch::kInt64).view({1, 6});
  const torch::Tensor maps = word_level_attention(probs, piece_word, torch::tensor({3}, torch::kInt64));
  ASSERT_EQ(maps.sizes(), (std::vector<int64_t>{1, 1, 3, 3}));
  // Columns of word 2 summed (b1 + b2), then its rows averaged; [CLS]/[SEP] dropped; diagonal zeroed:
  //   a:    [0.2, 0.3 + 0.25, 0.05]
  //   b:    mean([0.5, 0.1 + 0.2, 0.05], [0.1, 0.3 + 0.0, 0.3]) = [0.3, 0.3, 0.175]
  //   c:    [0.1, 0.1 + 0.1, 0.1]
  const torch::Tensor expected =
      rows_to_tensor({{0.0f, 0.55f, 0.05f}, {0.3f, 0.0f, 0.175f}, {0.1f, 0.2f, 0.0f}}).view({1, 1, 3, 3});
  EXPECT_TRUE(torch::allclose(maps, expected, 1e-6, 1e-6)) << maps;

  const torch::Tensor heads = predict_heads(maps, torch::tensor({3}, torch::kInt64));  // (1, 1, 2, 3)
  // to_head: argmax of each row; to_dependent: argmax of each column.
  EXPECT_TRUE(torch::equal(heads[0][0][0], torch::tensor({2, 1, 2}, torch::kInt64))) << heads;
  EXPECT_TRUE(torch::equal(heads[0][0][1], torch::tensor({2, 1, 2}, torch::kInt64))) << heads;
}

TEST(WordAttention, PaddedBatchEqualsSentencesAlone) {
  // Sentence 0: the hand example; sentence 1: "x y" (one piece each), padded from 4 to 6 pieces.
  const torch::Tensor first = three_word_probs();
  torch::Tensor second = torch::zeros({6, 6});
  second.slice(0, 0, 4).slice(1, 0, 4) = torch::tensor({{0.4f, 0.3f, 0.2f, 0.1f},
                                                        {0.1f, 0.1f, 0.7f, 0.1f},
                                                        {0.25f, 0.35f, 0.15f, 0.25f},
                                                        {0.3f, 0.3f, 0.2f, 0.2f}});
  const torch::Tensor probs = torch::stack({first, second}).unsqueeze(1);  // (2, 1, 6, 6)
  const torch::Tensor piece_word = torch::tensor({{0, 1, 2, 2, 3, 4}, {0, 1, 2, 3, -1, -1}}, torch::kInt64);
  const torch::Tensor words = torch::tensor({3, 2}, torch::kInt64);
  const torch::Tensor maps = word_level_attention(probs, piece_word, words);  // (2, 1, 3, 3)

  const torch::Tensor alone = word_level_attention(second.slice(0, 0, 4).slice(1, 0, 4).view({1, 1, 4, 4}),
                                                   torch::tensor({{0, 1, 2, 3}}, torch::kInt64),
                                                   torch::tensor({2}, torch::kInt64));
  EXPECT_TRUE(torch::allclose(maps[1].slice(1, 0, 2).slice(2, 0, 2), alone[0]));
  EXPECT_EQ(maps[1][0][2].abs().sum().item<float>(), 0.0f) << "rows past the sentence are zero";
  EXPECT_EQ(maps[1][0].select(1, 2).abs().sum().item<float>(), 0.0f) << "columns past the sentence are zero";
  EXPECT_TRUE(torch::allclose(maps[1][0], torch::tensor({{0.0f, 0.7f, 0.0f}, {0.35f, 0.0f, 0.0f}, {0.f, 0.f, 0.f}})));

  const torch::Tensor heads = predict_heads(maps, words);  // (2, 1, 2, 3)
  EXPECT_TRUE(torch::equal(heads[1][0][0], torch::tensor({2, 1, 0}, torch::kInt64))) << "0 past the words";
  EXPECT_TRUE(torch::equal(heads[1][0][1], torch::tensor({2, 1, 0}, torch::kInt64)));
}

TEST(WordAttention, TiesGoToTheLowerWordAndRootIsNeverPredicted) {
  // Word 3 attends equally to words 1 and 2; word 1 attends only to [CLS]/[SEP] (an all-zero word row), which
  // never predicts the root: the first word wins the all-zero tie, as numpy's argmax does in the original code.
  const torch::Tensor maps = torch::tensor({{0.0f, 0.0f, 0.0f}, {0.2f, 0.0f, 0.5f}, {0.4f, 0.4f, 0.0f}})
                                 .view({1, 1, 3, 3});
  const torch::Tensor heads = predict_heads(maps, torch::tensor({3}, torch::kInt64));
  EXPECT_TRUE(torch::equal(heads[0][0][0], torch::tensor({1, 3, 1}, torch::kInt64))) << heads;
  // Columns: word 1 is attended most by word 3 (0.4 > 0.2); word 2 by word 3; word 3 by word 2.
  EXPECT_TRUE(torch::equal(heads[0][0][1], torch::tensor({3, 3, 2}, torch::kInt64))) << heads;
  EXPECT_GE(heads.min().item<int64_t>(), 1);
}

}  // namespace
}  // namespace sasmlm
