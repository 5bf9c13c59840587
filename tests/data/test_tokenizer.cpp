#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "sasmlm/core/error.h"
#include "sasmlm/core/rng.h"
#include "sasmlm/data/conllu.h"
#include "sasmlm/data/tokenizer.h"
#include "test_util.h"

namespace sasmlm {
namespace {

// 300 distinct words (prefix + stem + suffix), 400 sentences of 8: enough for a few hundred pieces.
std::vector<std::vector<std::string>> small_corpus() {
  const std::vector<std::string> prefixes = {"", "un", "re", "pre", "dis"};
  const std::vector<std::string> stems = {"play", "walk", "talk", "jump", "read",
                                          "writ", "think", "speak", "run", "sing"};
  const std::vector<std::string> suffixes = {"", "s", "ed", "ing", "er", "able"};
  Rng rng(7);
  std::vector<std::vector<std::string>> sentences(400);
  for (auto& s : sentences) {
    for (int i = 0; i < 8; ++i) {
      s.push_back(prefixes[rng.below(prefixes.size())] + stems[rng.below(stems.size())] +
                  suffixes[rng.below(suffixes.size())]);
    }
  }
  return sentences;
}

TokenizerConfig config(int64_t vocab, const std::string& type = "unigram") {
  TokenizerConfig c;
  c.vocab_size = vocab;
  c.type = type;
  c.character_coverage = 1.0;
  return c;
}

TEST(Tokenizer, SpecialTokensHaveFixedIds) {
  const Tokenizer t = Tokenizer::train(small_corpus(), config(120));
  EXPECT_EQ(t.piece(kPadId), "[PAD]");
  EXPECT_EQ(t.piece(kUnkId), "[UNK]");
  EXPECT_EQ(t.piece(kClsId), "[CLS]");
  EXPECT_EQ(t.piece(kSepId), "[SEP]");
  EXPECT_EQ(t.piece(kMaskId), "[MASK]");
  EXPECT_EQ(t.vocab_size(), 120);
  // Control symbols are never produced from text, even when the text spells them.
  for (int32_t id : t.encode_word("[MASK]")) EXPECT_NE(id, kMaskId);
  for (int32_t id : t.encode_word("[CLS]")) EXPECT_NE(id, kClsId);
  EXPECT_THROW(t.piece(120), UserError);
  EXPECT_THROW(t.piece(-1), UserError);
}

TEST(Tokenizer, EncodeDecodeRoundTripBothTypes) {
  const auto corpus = small_corpus();
  for (const std::string type : {"unigram", "bpe"}) {
    const Tokenizer t = Tokenizer::train(corpus, config(150, type));
    int multi_piece = 0;
    for (const auto& sentence : corpus) {
      for (const auto& word : sentence) {
        const auto ids = t.encode_word(word);
        ASSERT_FALSE(ids.empty());
        for (int32_t id : ids) {
          EXPECT_GE(id, kNumSpecialTokens) << type << " " << word;
          EXPECT_LT(id, t.vocab_size());
        }
        multi_piece += ids.size() > 1;
        EXPECT_EQ(t.decode_word(ids), word) << type;
      }
    }
    EXPECT_GT(multi_piece, 0) << type;  // the vocabulary is too small for whole words only
    EXPECT_EQ(t.piece(t.encode_word("play")[0]).rfind("\xe2\x96\x81", 0), 0u) << "word-start marker expected";
  }
}

TEST(Tokenizer, NeverEmptyAndUnknownCharactersBecomeUnk) {
  const Tokenizer t = Tokenizer::train(small_corpus(), config(120));
  EXPECT_EQ(t.encode_word(""), std::vector<int32_t>{kUnkId});
  const auto ids = t.encode_word("\xe6\xbc\xa2");  // a character never seen in training, no byte fallback
  ASSERT_FALSE(ids.empty());
  EXPECT_NE(std::find(ids.begin(), ids.end(), kUnkId), ids.end());
}

TEST(Tokenizer, TrainingIsDeterministic) {
  const auto corpus = small_corpus();
  const Tokenizer a = Tokenizer::train(corpus, config(150));
  const Tokenizer b = Tokenizer::train(corpus, config(150));
  EXPECT_EQ(a.checksum(), b.checksum());
  EXPECT_EQ(a.serialized(), b.serialized());
  const Tokenizer c = Tokenizer::train(corpus, config(151));
  EXPECT_NE(a.checksum(), c.checksum());
}

TEST(Tokenizer, MaxTrainingWordsCapsTheInput) {
  const auto corpus = small_corpus();
  TokenizerConfig capped = config(30);
  capped.max_training_words = 16;  // two sentences
  std::vector<std::vector<std::string>> first_two(corpus.begin(), corpus.begin() + 2);
  const Tokenizer a = Tokenizer::train(corpus, capped);
  const Tokenizer b = Tokenizer::train(first_two, capped);
  EXPECT_EQ(a.checksum(), b.checksum());
}

TEST(Tokenizer, SaveLoadAndFromSerialized) {
  test::TempDir dir;
  const Tokenizer t = Tokenizer::train(small_corpus(), config(130));
  const std::string path = (dir / "tok.model").string();
  t.save(path);
  const Tokenizer loaded = Tokenizer::load(path);
  EXPECT_EQ(loaded.checksum(), t.checksum());
  EXPECT_EQ(loaded.vocab_size(), 130);
  EXPECT_EQ(loaded.encode_word("rewalking"), t.encode_word("rewalking"));
  const Tokenizer copy = Tokenizer::from_serialized(t.serialized());
  EXPECT_EQ(copy.checksum(), t.checksum());
  EXPECT_EQ(copy.decode_word(copy.encode_word("disreadable")), "disreadable");
  // No temporary left beside the saved model.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 1);
}

TEST(Tokenizer, LoadRejectsGarbageAndMissingFiles) {
  test::TempDir dir;
  test::write_text(dir / "bad.model", "this is not a protobuf");
  try {
    Tokenizer::load((dir / "bad.model").string());
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.model"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Tokenizer::load((dir / "missing.model").string()), UserError);
}

TEST(Tokenizer, VocabLargerThanCorpusAllows) {
  try {
    Tokenizer::train(small_corpus(), config(5000));
    FAIL() << "expected UserError";
  } catch (const UserError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("tokenizer.vocab_size = 5000"), std::string::npos) << m;
    EXPECT_NE(m.find("limit for them: "), std::string::npos) << m;
    EXPECT_NE(m.find("hint: lower tokenizer.vocab_size to <= "), std::string::npos) << m;
  }
}

TEST(Tokenizer, BadConfigValues) {
  EXPECT_THROW(Tokenizer::train(small_corpus(), config(100, "wordpiece")), UserError);
  EXPECT_THROW(Tokenizer::train(small_corpus(), config(3)), UserError);
  EXPECT_THROW(Tokenizer::train(std::vector<std::vector<std::string>>{}, config(100)), UserError);
}

TEST(Tokenizer, ByteFallbackRoundTripsUnseenCharactersOnEwt) {
  SASMLM_REQUIRE_SHARED(path, "ud-ewt/dev.conllu");
  const auto sentences = read_conllu_file(path.string());
  std::vector<std::vector<std::string>> words;
  for (const auto& s : sentences) {
    words.emplace_back();
    for (const auto& w : s.words) words.back().push_back(w.form);
  }
  TokenizerConfig c = config(kByteFallbackMinVocab + 500);
  c.character_coverage = 0.9995;  // rare characters are left to byte fallback
  const Tokenizer t = Tokenizer::train(words, c);
  for (const auto& s : words) {
    for (const auto& w : s) ASSERT_EQ(t.decode_word(t.encode_word(w)), w);
  }
  for (const std::string w : {"\xe6\xbc\xa2\xe5\xad\x97", "na\xc3\xafve", "\xf0\x9f\x98\x80"}) {
    const auto ids = t.encode_word(w);
    EXPECT_EQ(std::find(ids.begin(), ids.end(), kUnkId), ids.end()) << w;
    EXPECT_EQ(t.decode_word(ids), w);
  }
}

}  // namespace
}  // namespace sasmlm
