// A Hugging Face tokenizer.json equivalent to one of sasmlm's SentencePiece models, so that transformers'
// AutoTokenizer gives the ids Tokenizer::encode_text gives (docs/INTERFACE.md "Hugging Face tokenizer").
//
// The pipeline, stage by stage, and the sasmlm rule each one reproduces:
//   added tokens   [PAD] [UNK] [CLS] [SEP] [MASK] at their ids, special: "[MASK]" in text is the mask id
//   pre-tokenizer  Split(split_words_pattern(), invert): text_words.h's words, clitics and punctuation included
//                  Metaspace("▁", prepend always): each word gets the word-start marker, as SentencePiece's dummy
//                  prefix gives every word sasmlm encodes on its own
//   model          Unigram: the pieces and their scores (the Viterbi search sasmlm's UnigramEncoder runs, tie
//                  rule included); BPE: the pieces and merges
//                  recovered from them, (a, b) for every piece a+b, ranked by a+b's score as SentencePiece merges
//                  byte fallback (<0x00>..<0xFF>) exactly when the model has byte pieces
//   post-processor [CLS] $A [SEP] ($B [SEP] with type id 1)
// The model proto is read directly (a small protobuf walk: pieces, model type, normalizer), so no protobuf or
// sentencepiece Python package is needed on either side.
#pragma once

#include <string>

namespace sasmlm {

// model_bytes: a serialized SentencePiece ModelProto (Tokenizer::serialized()); `what` names it in errors.
// UserError when the model is not one sasmlm's pipeline can express: a normalizer other than "identity", no dummy
// prefix, a model type other than unigram or bpe, user-defined or unused pieces, or special pieces other than
// sasmlm's at ids 0-4.
std::string sentencepiece_tokenizer_json(const std::string& model_bytes, const std::string& what);

}  // namespace sasmlm
