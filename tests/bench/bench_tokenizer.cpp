// Tokenizer benchmark (not a test): words/s of sasmlm's unigram encoder (unigram_encoder.h, what prepare uses)
// against libsentencepiece's Encode on the same model and words, measured alternately in one run, and how many
// words the two split differently (exact score ties, summed in double vs float).
//   bench_tokenizer TRAIN.conllu [--vocab N] [--rounds R]
#include <sentencepiece_processor.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "sasmlm/core/logging.h"
#include "sasmlm/data/conllu.h"
#include "sasmlm/data/tokenizer.h"

using namespace sasmlm;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_tokenizer TRAIN.conllu [--vocab N] [--rounds R]\n";
    return 2;
  }
  int64_t vocab = 8000, rounds = 5;
  for (int i = 2; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--vocab") vocab = std::stoll(argv[i + 1]);
    if (std::string(argv[i]) == "--rounds") rounds = std::stoll(argv[i + 1]);
  }
  setup_logging("warn", "", true);
  std::vector<std::vector<std::string>> sentences;
  std::vector<std::string> words;
  for (const ConlluSentence& s : read_conllu_file(argv[1])) {
    sentences.emplace_back();
    for (const ConlluWord& w : s.words) {
      sentences.back().push_back(w.form);
      words.push_back(w.form);
    }
  }
  TokenizerConfig config;
  config.vocab_size = vocab;
  const Tokenizer tokenizer = Tokenizer::train(sentences, config);
  sentencepiece::SentencePieceProcessor processor;
  if (!processor.LoadFromSerializedProto(tokenizer.serialized()).ok()) return 1;

  int64_t differ = 0;
  std::vector<int32_t> ours;
  std::vector<int> theirs;
  for (const std::string& w : words) {
    ours.clear();
    tokenizer.encode_word_into(w, ours);
    processor.Encode(w, &theirs);
    differ += std::vector<int32_t>(theirs.begin(), theirs.end()) != ours;
  }
  // Alternating rounds; the median of each side.
  std::vector<double> ours_s, theirs_s;
  int64_t sink = 0;
  for (int64_t r = 0; r < rounds; ++r) {
    auto t0 = Clock::now();
    for (const std::string& w : words) {
      ours.clear();
      sink += tokenizer.encode_word_into(w, ours);
    }
    ours_s.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    t0 = Clock::now();
    for (const std::string& w : words) {
      processor.Encode(w, &theirs);
      sink += int64_t(theirs.size());
    }
    theirs_s.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  const double a = median(ours_s), b = median(theirs_s);
  std::cout << words.size() << " words, unigram " << tokenizer.vocab_size() << " pieces, " << rounds
            << " alternating rounds (medians)\n"
            << "  sasmlm UnigramEncoder:    " << fixed(double(words.size()) / a / 1e6, 3) << " M words/s\n"
            << "  libsentencepiece Encode:  " << fixed(double(words.size()) / b / 1e6, 3) << " M words/s\n"
            << "  time ratio sasmlm/libsentencepiece: " << fixed(a / b, 2) << "\n"
            << "  words split differently: " << differ << " (" << fixed(100.0 * double(differ) / double(words.size()), 3)
            << "%)\n"
            << "(checksum " << sink << ")\n";
  return 0;
}
