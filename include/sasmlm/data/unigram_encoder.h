// Encoding of one word with a SentencePiece unigram model, by sasmlm itself rather than libsentencepiece, so that
// the exported Hugging Face tokenizer (hf_sentencepiece_json.h) gives the same pieces for every word.
//
// The Viterbi search is SentencePiece's (best-scoring segmentation; an unknown character costs the lowest score
// minus 10), computed as Hugging Face tokenizers' Unigram model computes it: scores summed in double precision,
// positions left to right, pieces starting at a position shortest first, a later candidate winning only when
// strictly better. libsentencepiece sums in single precision, so at exact ties between equal-score
// segmentations ("ll"+"l" or "l"+"ll") rounding decided, and HF and libsentencepiece disagreed on 2 of 2,011 EWT
// dev sentences; with this encoder sasmlm and HF agree on all. Consecutive unknown characters form one unknown
// span: its UTF-8 bytes as byte pieces when the model has them (byte fallback), else one [UNK].
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sasmlm/data/sentencepiece_model.h"

namespace sasmlm {

// Stored in the prepared-data manifest's settings: data encoded by an earlier encoder (libsentencepiece's, before
// this one existed) is prepared again rather than mixed with pieces this encoder gives.
constexpr int kUnigramEncoderVersion = 1;

class UnigramEncoder {
 public:
  // model: a unigram model (every piece but the control and unknown ones takes part in the search; the lowest
  // score of all pieces sets the unknown cost, as in HF); unk_id: the unknown piece's id.
  UnigramEncoder(const SentencePieceModel& model, int32_t unk_id);

  // Appends the pieces of "▁" + word (spaces inside the word become "▁" too, as SentencePiece escapes them);
  // returns how many (0 for an empty word).
  int32_t encode_into(std::string_view word, std::vector<int32_t>& ids) const;

 private:
  std::unordered_map<std::string, int32_t> ids_;  // piece text -> id
  std::vector<double> scores_;                    // by id
  size_t max_piece_bytes_ = 0;
  double unk_score_ = 0;
  int32_t unk_id_ = 0;
  bool byte_fallback_ = false;
  int32_t byte_ids_[256];                         // <0xNN> piece ids when byte_fallback_
};

}  // namespace sasmlm
