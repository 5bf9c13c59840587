// WordPiece tokenization of classic BERT vocabularies (a vocab.txt, one token per line, id = line number), exactly
// as Hugging Face's BertTokenizer does it: the special tokens [PAD] [UNK] [CLS] [SEP] [MASK] written literally in
// the text become their ids, the rest goes through BERT's basic tokenizer (bert_text.h), then each word is split
// greedily longest-match-first into vocabulary pieces, continuation pieces carrying the "##" prefix. A word longer
// than 100 characters, or one that cannot be covered by pieces, becomes a single [UNK].
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace sasmlm {

constexpr const char* kWordPieceContinuation = "##";
constexpr int64_t kWordPieceMaxWordChars = 100;

class WordPiece {
 public:
  // Parses vocab.txt text (lines end in \n, \r\n or \r, as Python's text mode reads them; a token listed twice
  // maps to its last line). UserError naming `what` when a special token is missing.
  static WordPiece from_vocab_text(const std::string& vocab_text, bool lowercase, const std::string& what);

  // Serialization stored in checkpoints: kWordPieceMagic, the lowercase flag, then the vocabulary text.
  static bool is_serialized(const std::string& bytes);
  static WordPiece from_serialized(const std::string& bytes, const std::string& what);
  std::string serialized() const;

  // HF BertTokenizer(text, add_special_tokens=False).input_ids, appended to `ids`.
  void encode_text_into(const std::string& text, std::vector<int32_t>& ids) const;
  // The pieces of every basic-tokenizer word of `word` (special tokens are not recognised); returns the count.
  int32_t encode_word_into(const std::string& word, std::vector<int32_t>& ids) const;
  // Pieces joined, "##" continuations glued to the previous piece, other pieces separated by a space.
  std::string decode(const std::vector<int32_t>& ids) const;

  int32_t size() const { return int32_t(tokens_.size()); }
  const std::string& token(int32_t id) const { return tokens_[size_t(id)]; }
  bool lowercase() const { return lowercase_; }
  // vocab.txt text: every token followed by "\n".
  std::string vocab_text() const;

  int32_t pad_id() const { return pad_id_; }
  int32_t unk_id() const { return unk_id_; }
  int32_t cls_id() const { return cls_id_; }
  int32_t sep_id() const { return sep_id_; }
  int32_t mask_id() const { return mask_id_; }

 private:
  void encode_basic_word(const std::string& word, std::vector<int32_t>& ids) const;
  int32_t find(const std::string& token) const;

  std::vector<std::string> tokens_;
  std::unordered_map<std::string, int32_t> ids_;
  bool lowercase_ = true;
  int32_t pad_id_ = -1, unk_id_ = -1, cls_id_ = -1, sep_id_ = -1, mask_id_ = -1;
};

}  // namespace sasmlm
