// Splitting free text into the words a CoNLL-U treebank would have, so text tokenizes like training data.
//
// Treebanks such as UD English write punctuation and clitics as words of their own ("do" "n't", "dog" "'s"),
// and sasmlm's tokenizers encode word by word. Free text (BLiMP sentences, fill-mask prompts) is split the same
// way: on whitespace, then every ASCII punctuation character becomes a word of its own, and the English clitics
// n't 's 're 've 'll 'm 'd (any case) are split off the end of a word. "[MASK]" stays one word.
#pragma once

#include <string>
#include <vector>

namespace sasmlm {

constexpr const char* kMaskWord = "[MASK]";

std::vector<std::string> split_words(const std::string& text);

// The same rule as one regular expression (Oniguruma syntax, as Hugging Face tokenizers' `Split` pre-tokenizer runs
// it with `invert: true, behavior: "Removed"`): its matches, in order, are split_words's words. Written into
// exported tokenizer.json files (hf_sentencepiece_json.h) so transformers splits text as sasmlm does;
// tests/train/test_hf_tokenizer_parity.cpp checks the two agree through the tokenizers library.
const std::string& split_words_pattern();

}  // namespace sasmlm
