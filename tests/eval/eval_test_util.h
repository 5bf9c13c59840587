// Helpers shared by the eval tests: a toy tokenizer whose lexicon words are single pieces, small models.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "sasmlm/core/rng.h"
#include "sasmlm/data/tokenizer.h"
#include "sasmlm/model/bert.h"

namespace sasmlm::test {

// The toy lexicon; with the corpus below every word becomes one piece of its own.
inline const std::vector<std::string>& toy_words() {
  static const std::vector<std::string> words = {"the", "a", "dog", "cat", "runs", "sleeps", "big", "small",
                                                 "sees", "every", "man", "tree"};
  return words;
}

// Trained once per test binary: 400 random sentences of 6 toy words.
inline const Tokenizer& toy_tokenizer() {
  static const Tokenizer tokenizer = [] {
    Rng rng(11);
    std::vector<std::vector<std::string>> sentences(400);
    for (auto& s : sentences) {
      for (int i = 0; i < 6; ++i) s.push_back(toy_words()[rng.below(toy_words().size())]);
    }
    TokenizerConfig config;
    config.vocab_size = 36;
    config.character_coverage = 1.0;
    return Tokenizer::train(sentences, config);
  }();
  return tokenizer;
}

// A small BERT without dropout randomness concerns (dropout is kept on: the probes must switch it off).
inline BertOptions small_options(int64_t vocab, int64_t hidden = 32, int64_t max_position = 64) {
  BertOptions o;
  o.vocab_size = vocab;
  o.layers = 2;
  o.hidden = hidden;
  o.heads = 2;
  o.intermediate = 2 * hidden;
  o.max_position = max_position;
  return o;
}

}  // namespace sasmlm::test
