// Subword attention -> word-level attention -> each head's predicted parse, as docs/INTERFACE.md's implicit-parse UAS
// defines it (Clark et al. 2019's aggregation, "mean" mode, as the SAS paper's authors used it).
//
// A sentence of n words is encoded as `[CLS] pieces [SEP]`; its piece->word map gives each piece a word index:
// 0 for [CLS], 1..n for the words (CoNLL-U ids), n+1 for [SEP]. The word-level map of one head sums the columns of
// each word's pieces, then averages the rows of each word's pieces, then drops the [CLS]/[SEP] rows and columns
// (no renormalisation) and zeroes the diagonal. Row i of the result, column j: how much word i+1 attends to word
// j+1.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace sasmlm {

// Direction of a predicted arc. kToHead: word i's head is the word it attends to most (argmax of row i);
// kToDependent: the word that attends most to i (argmax of column i).
enum class ArcDirection : int64_t { kToHead = 0, kToDependent = 1 };
constexpr int64_t kNumArcDirections = 2;

const char* arc_direction_name(ArcDirection direction);  // "to_head" | "to_dependent"

// The piece->word map of `[CLS] pieces [SEP]` for words with these piece counts (each >= 1).
std::vector<int64_t> piece_word_map(const std::vector<int32_t>& pieces_per_word);

// probs (B, H, T, T) attention probabilities (rows = queries); piece_word (B, T) int64 word index of each piece as
// piece_word_map gives it, -1 for padding; num_words (B,) int64 words per sentence.
// -> (B, H, N, N) float word-level maps, N = max(num_words); entries beyond a sentence's words are 0.
torch::Tensor word_level_attention(const torch::Tensor& probs, const torch::Tensor& piece_word,
                                   const torch::Tensor& num_words);

// maps (B, H, N, N) word-level maps with a zero diagonal; num_words (B,) int64.
// -> (B, H, 2, N) int64 predicted head ids in 1..n (direction kToHead first; 0 beyond a sentence's words).
// Ties go to the lower word id; the root (0) is never predicted.
torch::Tensor predict_heads(const torch::Tensor& maps, const torch::Tensor& num_words);

}  // namespace sasmlm
