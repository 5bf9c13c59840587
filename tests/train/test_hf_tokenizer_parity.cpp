// Issue 20 item 2: an exported SentencePiece tokenizer gives in transformers (AutoTokenizer on the tokenizer.json
// `sasmlm export` writes) exactly the ids of Tokenizer::encode_text, word splitting included, for unigram and bpe
// models, with byte fallback and without. Texts: EWT dev's "# text" lines when ../shared is present, else sentences
// of the synthetic grammar, plus hand-written cases for every rule of text_words.h. Skipped when transformers
// cannot be imported by $SASMLM_PYTHON (python3 when unset).
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/data/conllu.h"
#include "sasmlm/data/hf_sentencepiece_json.h"
#include "sasmlm/data/synth_grammar.h"
#include "sasmlm/data/tokenizer.h"
#include "sasmlm/train/hf_checkpoint.h"
#include "test_util.h"

namespace sasmlm {
namespace {

constexpr int kSkipped = 77;

// Every rule of split_words, its edges, and characters no vocabulary holds (byte fallback or [UNK]).
const std::vector<std::string> kHandWritten = {
    "I don't think so, do you?",
    "DON'T STOP: it's John's dog's bone; they're here, we've gone, I'll go, I'm in, he'd say.",
    "n't 's 'S n'T 'tis rock'n'roll's o'clock x''s dogs' 'quoted' a'b'c Y'ALL'd he's'",
    "  spaced\tout\x0B\x0Cwords\r ",
    "e-mail: a.b@c.d (3.5%) [x] {y} <z> #1 $2 ~3 ^4 |5 \\6 /7 `8 _9 +10 =11 \"12\"",
    "The [MASK] sat on the [MASK].",
    "[MASK]'s [MASK]n't x[MASK]y",
    "caf\xC3\xA9 na\xC3\xAFve \xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x80\x94 dash\xE2\x80\xA6 \xC3\xA9's",
    "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xF0\x9F\x98\x80 \xC2\xA0nbsp",
    "1,000,000 3.14 2024-12-06 10:30am",
};

std::vector<std::string> parity_texts(std::vector<std::vector<std::string>>& training_words) {
  std::vector<std::string> texts = kHandWritten;
  const std::filesystem::path train = test::shared_data("ud-ewt/train.conllu");
  const std::filesystem::path dev = test::shared_data("ud-ewt/dev.conllu");
  if (!train.empty() && !dev.empty()) {
    for (const ConlluSentence& s : read_conllu_file(train.string())) {
      std::vector<std::string> words;
      for (const ConlluWord& w : s.words) words.push_back(w.form);
      training_words.push_back(std::move(words));
    }
    for (const ConlluSentence& s : read_conllu_file(dev.string())) {
      if (s.text.find('\n') == std::string::npos) texts.push_back(s.text);
    }
    std::cout << "[ parity ] EWT: " << training_words.size() << " training sentences, " << texts.size() << " texts\n";
    return texts;
  }
  std::cout << "[ parity ] ../shared absent: the synthetic grammar's sentences stand in for EWT\n";
  SynthGrammar grammar(7);
  for (int i = 0; i < 3000; ++i) {
    const ConlluSentence s = grammar.sentence();
    std::vector<std::string> words;
    std::string text;
    for (const ConlluWord& w : s.words) {
      words.push_back(w.form);
      text += (text.empty() ? "" : " ") + w.form;
    }
    training_words.push_back(std::move(words));
    if (i % 5 == 0) texts.push_back(text);
  }
  return texts;
}

std::string ids_line(const std::vector<int32_t>& ids) {
  std::string s;
  for (size_t i = 0; i < ids.size(); ++i) s += (i > 0 ? " " : "") + std::to_string(ids[i]);
  return s;
}

class HfTokenizerParity : public ::testing::TestWithParam<std::tuple<std::string, int64_t>> {};

TEST_P(HfTokenizerParity, AutoTokenizerGivesEncodeTextIds) {
  const auto [type, vocab_size] = GetParam();
  std::vector<std::vector<std::string>> training_words;
  const std::vector<std::string> texts = parity_texts(training_words);
  TokenizerConfig config;
  config.type = type;
  config.vocab_size = vocab_size;
  const Tokenizer tokenizer = Tokenizer::train(training_words, config);

  test::TempDir tmp;
  const std::filesystem::path hf = tmp / "hf";
  ensure_directory(hf);
  write_hf_tokenizer_files(tokenizer, 512, hf.string());
  std::string joined;
  for (const std::string& t : texts) joined += t + "\n";
  test::write_text(tmp / "texts.txt", joined);

  const char* python_env = std::getenv("SASMLM_PYTHON");
  const std::string python = python_env != nullptr && *python_env != '\0' ? python_env : "python3";
  const std::string command = "'" + python + "' '" SASMLM_SOURCE_DIR "/tests/train/hf_tokenizer_ids.py' '" +
                              hf.string() + "' '" + (tmp / "texts.txt").string() + "' '" +
                              (tmp / "ids.txt").string() + "' 2>'" + (tmp / "stderr.txt").string() + "'";
  const int status = std::system(command.c_str());
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code == kSkipped) GTEST_SKIP() << "transformers is not importable by " << python << " (pip install transformers)";
  ASSERT_EQ(code, 0) << command << "\n" << read_file(tmp / "stderr.txt");

  std::ifstream in(tmp / "ids.txt");
  std::vector<std::string> theirs;
  for (std::string line; std::getline(in, line);) theirs.push_back(line);
  ASSERT_EQ(theirs.size(), texts.size() + 1);
  int same = 0, shown = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    const std::vector<int32_t> ours = tokenizer.encode_text(texts[i]);
    if (ids_line(ours) == theirs[i]) {
      ++same;
    } else if (++shown <= 5) {
      std::string pieces;
      for (int32_t id : ours) pieces += " " + tokenizer.piece(id);
      ADD_FAILURE() << "text " << i << ": '" << texts[i] << "'\n  sasmlm:" << pieces << "\n  sasmlm ids: "
                    << ids_line(ours) << "\n  HF ids:     " << theirs[i];
    }
  }
  std::cout << "[ parity ] " << type << " " << tokenizer.vocab_size() << " pieces: " << same << "/" << texts.size()
            << " texts with identical ids\n";
  EXPECT_EQ(same, int(texts.size()));
  // With special tokens: [CLS] ... [SEP] around the same ids.
  std::vector<int32_t> framed = {tokenizer.cls_id()};
  for (int32_t id : tokenizer.encode_text(texts[0])) framed.push_back(id);
  framed.push_back(tokenizer.sep_id());
  EXPECT_EQ(theirs.back(), ids_line(framed));
}

// 2000 pieces: byte fallback on (>= kByteFallbackMinVocab); 400: off, unknown characters are [UNK].
INSTANTIATE_TEST_SUITE_P(Models, HfTokenizerParity,
                         ::testing::Values(std::make_tuple(std::string("unigram"), int64_t(2000)),
                                           std::make_tuple(std::string("bpe"), int64_t(2000)),
                                           std::make_tuple(std::string("unigram"), int64_t(400)),
                                           std::make_tuple(std::string("bpe"), int64_t(400))),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" +
                                  std::to_string(std::get<1>(info.param));
                         });

TEST(HfSentencePieceJson, RefusesWhatItCannotExpress) {
  EXPECT_THROW(sentencepiece_tokenizer_json("\x0a\xff", "junk"), UserError);  // a field past the end
  try {
    sentencepiece_tokenizer_json(std::string("\x0a\x05\x0a\x03" "abc", 7), "one.model");
    ADD_FAILURE() << "no error";
  } catch (const UserError& e) {
    // Defaults: normalizer nmt_nfkc, which sasmlm never trains with.
    EXPECT_NE(std::string(e.what()).find("one.model"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("nmt_nfkc"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace sasmlm
