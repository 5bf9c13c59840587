#include "sasmlm/eval/word_attention.h"

#include "sasmlm/core/error.h"

namespace sasmlm {

const char* arc_direction_name(ArcDirection direction) {
  return direction == ArcDirection::kToHead ? "to_head" : "to_dependent";
}

std::vector<int64_t> piece_word_map(const std::vector<int32_t>& pieces_per_word) {
  std::vector<int64_t> map{0};  // [CLS]
  for (size_t w = 0; w < pieces_per_word.size(); ++w) {
    SASMLM_CHECK(pieces_per_word[w] >= 1, "every word has at least one piece");
    map.insert(map.end(), size_t(pieces_per_word[w]), int64_t(w) + 1);
  }
  map.push_back(int64_t(pieces_per_word.size()) + 1);  // [SEP]
  return map;
}

torch::Tensor word_level_attention(const torch::Tensor& probs, const torch::Tensor& piece_word,
                                   const torch::Tensor& num_words) {
  SASMLM_CHECK(probs.dim() == 4 && probs.size(2) == probs.size(3), "probs must be (B, H, T, T)");
  SASMLM_CHECK(piece_word.dim() == 2 && piece_word.size(0) == probs.size(0) && piece_word.size(1) == probs.size(2),
               "piece_word must be (B, T)");
  SASMLM_CHECK(num_words.dim() == 1 && num_words.size(0) == probs.size(0), "num_words must be (B,)");
  const int64_t batch = probs.size(0);
  const int64_t words = num_words.max().item<int64_t>();
  const int64_t slots = words + 2;  // [CLS], the words, and [SEP] (at n+1 for each sentence)
  // One-hot piece -> word membership; a padding piece (-1) belongs to no word.
  const torch::Tensor member = torch::one_hot(piece_word.to(torch::kInt64) + 1, slots + 1)
                                   .slice(-1, 1)
                                   .to(probs.scalar_type())
                                   .unsqueeze(1);  // (B, 1, T, slots)
  // Sum the columns of each word's pieces, then the rows, then divide rows by the piece count (the mean).
  const torch::Tensor cols = torch::matmul(probs, member);                    // (B, H, T, slots)
  torch::Tensor rows = torch::matmul(member.transpose(-1, -2), cols);        // (B, H, slots, slots)
  const torch::Tensor pieces = member.sum(2).clamp_min(1);                    // (B, 1, slots)
  rows = rows / pieces.unsqueeze(-1);
  // Drop [CLS]; [SEP] rows/columns and those past a sentence's words are masked, as is the diagonal.
  const torch::Tensor maps = rows.slice(2, 1, words + 1).slice(3, 1, words + 1);  // (B, H, N, N)
  const torch::Tensor index = torch::arange(words, num_words.options().dtype(torch::kInt64));
  const torch::Tensor valid = index.unsqueeze(0) < num_words.to(torch::kInt64).unsqueeze(1);  // (B, N)
  const torch::Tensor keep = valid.view({batch, 1, words, 1}) & valid.view({batch, 1, 1, words}) &
                             (index.unsqueeze(1) != index.unsqueeze(0)).view({1, 1, words, words});
  return maps * keep.to(maps.scalar_type());
}

torch::Tensor predict_heads(const torch::Tensor& maps, const torch::Tensor& num_words) {
  SASMLM_CHECK(maps.dim() == 4 && maps.size(2) == maps.size(3), "maps must be (B, H, N, N)");
  SASMLM_CHECK(num_words.dim() == 1 && num_words.size(0) == maps.size(0), "num_words must be (B,)");
  const int64_t batch = maps.size(0);
  const int64_t words = maps.size(2);
  const torch::Tensor index = torch::arange(words, num_words.options().dtype(torch::kInt64));
  const torch::Tensor valid = index.unsqueeze(0) < num_words.to(torch::kInt64).unsqueeze(1);  // (B, N)
  // Columns past the sentence's words get -1, below every probability (the zeroed diagonal included), so the
  // argmax, which returns the first maximum, only picks real words.
  const torch::Tensor outside = valid.logical_not().view({batch, 1, 1, words});
  const torch::Tensor to_head = maps.masked_fill(outside, -1.0).argmax(-1);                          // (B, H, N)
  const torch::Tensor to_dependent = maps.transpose(-1, -2).masked_fill(outside, -1.0).argmax(-1);  // (B, H, N)
  const torch::Tensor heads = torch::stack({to_head, to_dependent}, 2) + 1;                          // (B, H, 2, N)
  return heads * valid.view({batch, 1, 1, words}).to(torch::kInt64);
}

}  // namespace sasmlm
