// Subword tokenizer: a SentencePiece model (unigram or bpe) trained on corpus words, with BERT's special tokens at
// fixed ids.
//
// Every word is encoded on its own (SentencePiece adds its word-start marker "▁" to the first piece), so word
// boundaries survive tokenization and the alignment of words to pieces is exact. Unigram models are encoded by
// sasmlm's UnigramEncoder (the segmentation Hugging Face's Unigram gives, unigram_encoder.h), BPE models by
// libsentencepiece. Text is not normalised (the
// identity rule), so decode_word(encode_word(w)) == w whenever w contains no character outside the vocabulary.
// With vocab_size >= kByteFallbackMinVocab the model also has byte fallback pieces (<0x00>..<0xFF>), which makes
// the round trip exact for every word; smaller vocabularies map unknown characters to [UNK].
// The special tokens are SentencePiece control symbols: no input text ever encodes to them.
//
// The same class also holds a classic BERT WordPiece vocabulary (wordpiece.h) imported from a Hugging Face
// directory: encode_text then gives Hugging Face BertTokenizer's ids, and the special-token accessors return the
// vocabulary's own ids. Code that may meet such a vocabulary uses the accessors, not the k*Id constants.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sasmlm/config/config.h"

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace sasmlm {

class UnigramEncoder;
class WordPiece;

constexpr int32_t kPadId = 0;   // [PAD]
constexpr int32_t kUnkId = 1;   // [UNK]
constexpr int32_t kClsId = 2;   // [CLS]
constexpr int32_t kSepId = 3;   // [SEP]
constexpr int32_t kMaskId = 4;  // [MASK]
constexpr int32_t kNumSpecialTokens = 5;
// Their pieces in sasmlm's SentencePiece models, by id.
inline constexpr const char* kSpecialPieces[kNumSpecialTokens] = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
constexpr int64_t kByteFallbackMinVocab = 1024;

class Tokenizer {
 public:
  // Yields the words of the next training sentence into `words`; returns false at the end.
  using WordSource = std::function<bool(std::vector<std::string>& words)>;

  Tokenizer();
  ~Tokenizer();
  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;

  // Trains on the words of `next_sentence` (at most config.max_training_words, taken from the start).
  // Deterministic: the same words and config give the same model bytes. A vocab_size the words cannot fill throws
  // UserError naming tokenizer.vocab_size and SentencePiece's limit.
  static Tokenizer train(const WordSource& next_sentence, const TokenizerConfig& config);
  static Tokenizer train(const std::vector<std::vector<std::string>>& sentences, const TokenizerConfig& config);

  // Loads a model written by save(); UserError naming the path when missing or not a valid model.
  static Tokenizer load(const std::string& path);
  // Builds from serialized() bytes (stored in a checkpoint): SentencePiece model proto bytes, or a serialized
  // WordPiece vocabulary (recognised by its magic prefix); `what` names the source in errors.
  static Tokenizer from_serialized(const std::string& bytes, const std::string& what = "tokenizer model");
  // A WordPiece tokenizer from vocab.txt text; `lowercase` is BertTokenizer's do_lower_case (which also strips
  // accents). UserError naming `what` when a special token is missing.
  static Tokenizer from_wordpiece_vocab(const std::string& vocab_text, bool lowercase,
                                        const std::string& what = "vocab.txt");

  // An existing vocabulary (tokenizer.path): a BERT WordPiece vocab.txt (`lowercase`: do_lower_case, accents
  // stripped too), a Hugging Face tokenizer.json of the WordPiece kind (its own normalizer decides), or a
  // SentencePiece model with sasmlm's special pieces ([PAD] [UNK] [CLS] [SEP] [MASK] at ids 0-4), chosen by the
  // file name's ending (.txt, .json, anything else). UserError naming tokenizer.path and the file otherwise.
  static Tokenizer from_path(const std::string& path, bool lowercase);

  // Pieces of one word; never empty ([UNK] for a word that yields no piece, e.g. an empty string).
  std::vector<int32_t> encode_word(const std::string& word) const;
  // Appends the pieces of `word` to `ids` (no allocation per word); returns how many were appended (>= 1).
  int32_t encode_word_into(const std::string& word, std::vector<int32_t>& ids) const;
  // Inverse of encode_word: the word's text without the leading word-start marker (WordPiece: pieces joined, a
  // lowercasing vocabulary gives the lowercased, accent-stripped form).
  std::string decode_word(const std::vector<int32_t>& ids) const;

  // Free text (a BLiMP sentence, a fill-mask prompt): split into words by split_words (text_words.h), each word
  // encoded by encode_word; the literal word "[MASK]" becomes mask_id(). No [CLS]/[SEP] are added.
  // WordPiece: Hugging Face BertTokenizer(text, add_special_tokens=False)'s ids ("[MASK]" anywhere -> mask_id()).
  std::vector<int32_t> encode_text(const std::string& text) const;

  std::string piece(int32_t id) const;  // e.g. "▁the", "[CLS]"; UserError for an id out of range
  int32_t vocab_size() const;

  // Special token ids of this vocabulary: the k*Id constants for sasmlm's own SentencePiece models, vocab.txt's
  // ids for WordPiece.
  int32_t pad_id() const { return pad_id_; }
  int32_t unk_id() const { return unk_id_; }
  int32_t cls_id() const { return cls_id_; }
  int32_t sep_id() const { return sep_id_; }
  int32_t mask_id() const { return mask_id_; }
  bool is_special(int32_t id) const {
    return id == pad_id_ || id == unk_id_ || id == cls_id_ || id == sep_id_ || id == mask_id_;
  }

  // The WordPiece backend, or null for a SentencePiece model.
  const WordPiece* wordpiece() const { return wordpiece_.get(); }

  const std::string& serialized() const { return serialized_; }  // model proto bytes (or WordPiece's)
  uint32_t checksum() const { return checksum_; }                // crc32 of serialized()
  void save(const std::string& path) const;                       // atomic

 private:
  void init(std::string bytes, const std::string& what);
  void init_wordpiece(WordPiece wordpiece);

  std::unique_ptr<sentencepiece::SentencePieceProcessor> processor_;
  std::unique_ptr<UnigramEncoder> unigram_;  // sasmlm's unigram models: encode_word's Viterbi (unigram_encoder.h)
  std::unique_ptr<WordPiece> wordpiece_;
  int32_t pad_id_ = kPadId, unk_id_ = kUnkId, cls_id_ = kClsId, sep_id_ = kSepId, mask_id_ = kMaskId;
  std::string serialized_;
  uint32_t checksum_ = 0;
};

}  // namespace sasmlm
