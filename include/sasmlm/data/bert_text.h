// BERT's basic tokenizer: free text -> the words WordPiece splits further, exactly as Hugging Face's BertTokenizer
// (the tokenizers library's BertNormalizer + BertPreTokenizer) does it:
//   clean text (drop NUL, U+FFFD and control/format/private-use characters; every whitespace character becomes a
//   space), put spaces around CJK ideographs, and when lowercasing strip accents (NFD, drop nonspacing marks) and
//   lowercase; then split on whitespace and make every punctuation character (ASCII or Unicode P*) a word of its own.
// The Unicode facts come from tables generated from that library (scripts/gen_unicode_tables.py). Invalid UTF-8
// bytes are read as U+FFFD, so they are dropped.
#pragma once

#include <string>
#include <vector>

namespace sasmlm {

std::vector<std::string> bert_basic_tokenize(const std::string& text, bool lowercase);

// Decodes UTF-8 into code points (an invalid or truncated sequence yields U+FFFD per byte) and back.
std::u32string utf8_to_code_points(const std::string& text);
void append_utf8(char32_t cp, std::string& out);

}  // namespace sasmlm
