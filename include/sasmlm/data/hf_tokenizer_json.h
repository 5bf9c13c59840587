// A Hugging Face tokenizer.json of the BERT WordPiece kind (what BertTokenizerFast and the tokenizers library's
// BertWordPieceTokenizer save), read as the vocab.txt text and lower-casing flag that WordPiece (wordpiece.h) takes.
//
// Accepted: model.type "WordPiece" with a vocabulary whose ids are exactly 0..N-1, continuing_subword_prefix "##",
// max_input_chars_per_word 100, unk_token "[UNK]"; normalizer "BertNormalizer" (or none: cased) whose strip_accents
// is null or equals lowercase, as BertTokenizerFast's uncased and cased models have. Anything else is a UserError
// naming the file and the field, since sasmlm could not tokenize as that file says.
#pragma once

#include <string>

namespace sasmlm {

struct HfWordPieceVocab {
  std::string vocab_text;  // one token per line, line number = id (vocab.txt)
  bool lowercase = true;   // the normalizer lower-cases and strips accents
};

// Parses tokenizer.json text; `what` (the path) names the file in errors.
HfWordPieceVocab parse_hf_tokenizer_json(const std::string& json_text, const std::string& what);

}  // namespace sasmlm
