// What sasmlm needs from a serialized SentencePiece ModelProto, read directly (a small protobuf walk), so neither
// the export to Hugging Face (hf_sentencepiece_json.h) nor the unigram encoder (unigram_encoder.h) needs protobuf.
#pragma once

#include <string>
#include <vector>

namespace sasmlm {

// sentencepiece_model.proto's numbers.
enum class SentencePieceType : int { kNormal = 1, kUnknown = 2, kControl = 3, kUserDefined = 4, kUnused = 5, kByte = 6 };
enum class SentencePieceModelType : int { kUnigram = 1, kBpe = 2, kWord = 3, kChar = 4 };

struct SentencePieceEntry {
  std::string text;
  float score = 0;
  SentencePieceType type = SentencePieceType::kNormal;
};

struct SentencePieceModel {
  std::vector<SentencePieceEntry> pieces;  // by id
  SentencePieceModelType type = SentencePieceModelType::kUnigram;
  std::string normalizer = "nmt_nfkc";     // the proto's defaults when a field is absent
  bool dummy_prefix = true;
};

// UserError naming `what` when the bytes are not a well-formed protobuf message.
SentencePieceModel read_sentencepiece_model(const std::string& bytes, const std::string& what);

// "" when the model is of the kind `sasmlm prepare` trains: the identity normalizer, the dummy prefix, a unigram or
// bpe model, sasmlm's special pieces at ids 0-4 ([UNK] unknown, the others control) and only normal or byte pieces
// after them. Otherwise why not, in a few words. Such models are what sasmlm encodes itself (unigram_encoder.h) and
// exports as a tokenizer.json (hf_sentencepiece_json.h).
std::string sasmlm_kind_mismatch(const SentencePieceModel& model);

}  // namespace sasmlm
