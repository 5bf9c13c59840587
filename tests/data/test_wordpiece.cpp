// WordPiece backend of Tokenizer: BERT's basic tokenizer rules and greedy longest-match-first pieces. The expected
// ids were checked against Hugging Face's BertTokenizer on the same vocabulary; tests/model/hf_parity.py compares
// the two on all EWT dev sentences.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sasmlm/core/error.h"
#include "sasmlm/data/bert_text.h"
#include "sasmlm/data/tokenizer.h"
#include "sasmlm/data/wordpiece.h"

namespace sasmlm {
namespace {

using Ids = std::vector<int32_t>;
using Words = std::vector<std::string>;

// Special tokens away from 0..4, as in Google's BERT vocabularies ([PAD] 0, [UNK] 100, ...), to catch code that
// assumes sasmlm's fixed ids.
std::string vocab_text() {
  const std::vector<std::string> tokens = {
      "[PAD]", "[unused0]", "the",  "un",    "##aff", "##able", "aff", "able", "hello", "##lo", "hel",  // 0-10
      "[UNK]", "[CLS]",     "[SEP]", "[MASK]", ",",   "!",      "¿",   "中",   "文",    "héllo", "Hello",  // 11-21
      "cafe",  "café",      "—",     "i",    "##s",   "a",      "##b", "##a"};                         // 22-29
  std::string text;
  for (const auto& t : tokens) text += t + "\n";
  return text;
}

TEST(BertText, CleansSplitsPunctuationAndCjk) {
  EXPECT_EQ(bert_basic_tokenize("Hello,  world!", false), (Words{"Hello", ",", "world", "!"}));
  EXPECT_EQ(bert_basic_tokenize("a\u00a0b\tc\nd", false), (Words{"a", "b", "c", "d"}));   // NBSP is whitespace
  EXPECT_EQ(bert_basic_tokenize(std::string("a\x01") + "b\u200bc", false), (Words{"abc"}));  // control, format
  EXPECT_EQ(bert_basic_tokenize("¿qué—no?", false), (Words{"¿", "qué", "—", "no", "?"}));  // Unicode P*
  EXPECT_EQ(bert_basic_tokenize("ab中文cd", false), (Words{"ab", "中", "文", "cd"}));
  EXPECT_EQ(bert_basic_tokenize("$5+3", false), (Words{"$", "5", "+", "3"}));  // ASCII symbols count as punctuation
  EXPECT_EQ(bert_basic_tokenize("", false), Words{});
  EXPECT_EQ(bert_basic_tokenize("\xff" "ab", false), Words{"ab"});  // invalid UTF-8 is dropped
}

TEST(BertText, LowercaseStripsAccents) {
  EXPECT_EQ(bert_basic_tokenize("Héllo CAFÉ İstanbul", true), (Words{"hello", "cafe", "istanbul"}));
  EXPECT_EQ(bert_basic_tokenize("Héllo", false), Words{"Héllo"});
  EXPECT_EQ(bert_basic_tokenize("e\u0301", true), Words{"e"});  // a combining accent alone is dropped
  EXPECT_EQ(bert_basic_tokenize("ΣΑΣ", true), Words{"σασ"});     // per-character lowercasing: no final sigma
  EXPECT_EQ(bert_basic_tokenize("한", true), Words{"\u1112\u1161\u11ab"});  // Hangul decomposes into jamo
}

TEST(WordPiece, GreedyLongestMatchFirst) {
  const Tokenizer t = Tokenizer::from_wordpiece_vocab(vocab_text(), /*lowercase=*/true);
  EXPECT_EQ(t.encode_text("unaffable"), (Ids{3, 4, 5}));
  EXPECT_EQ(t.encode_text("Hello, the UNAFFABLE!"), (Ids{8, 15, 2, 3, 4, 5, 16}));
  EXPECT_EQ(t.encode_text("hello"), (Ids{8}));         // the whole word wins over hel + ##lo
  EXPECT_EQ(t.encode_text("helhello"), (Ids{11}));     // no piece covers "##hello" -> the whole word is [UNK]
  EXPECT_EQ(t.encode_text("ab"), (Ids{27, 28}));
  EXPECT_EQ(t.encode_text(std::string(100, 'a')).size(), 100u);  // a ##a ##a ...
  EXPECT_EQ(t.encode_text(std::string(101, 'a')), (Ids{11}));     // over 100 characters
  EXPECT_EQ(t.encode_text("¿中文—"), (Ids{17, 18, 19, 24}));
  EXPECT_EQ(t.encode_text("Café"), (Ids{22}));
  EXPECT_EQ(t.encode_text(""), Ids{});
}

TEST(WordPiece, CasedVocabularyKeepsCaseAndAccents) {
  const Tokenizer t = Tokenizer::from_wordpiece_vocab(vocab_text(), /*lowercase=*/false);
  EXPECT_EQ(t.encode_text("Hello héllo café hello"), (Ids{21, 20, 23, 8}));
  EXPECT_EQ(t.encode_text("HELLO"), (Ids{11}));
}

TEST(WordPiece, SpecialTokensComeFromTheVocabulary) {
  const Tokenizer t = Tokenizer::from_wordpiece_vocab(vocab_text(), true);
  EXPECT_EQ(t.pad_id(), 0);
  EXPECT_EQ(t.unk_id(), 11);
  EXPECT_EQ(t.cls_id(), 12);
  EXPECT_EQ(t.sep_id(), 13);
  EXPECT_EQ(t.mask_id(), 14);
  EXPECT_TRUE(t.is_special(14));
  EXPECT_FALSE(t.is_special(1));  // [unused0] is an ordinary token
  EXPECT_FALSE(t.is_special(4));
  // "[MASK]" is recognised anywhere in the text, before lowercasing; a lowercased spelling is ordinary text.
  EXPECT_EQ(t.encode_text("the[MASK]able"), (Ids{2, 14, 7}));
  EXPECT_EQ(t.encode_text("[CLS] the [SEP]"), (Ids{12, 2, 13}));
  EXPECT_EQ(t.encode_text("[mask]"), (Ids{11, 11, 11}));  // "[", "mask", "]": none in the vocabulary
  // encode_word never recognises special tokens and never returns nothing.
  EXPECT_EQ(t.encode_word("[MASK]"), (Ids{11, 11, 11}));
  EXPECT_EQ(t.encode_word("\x01"), (Ids{11}));
  EXPECT_EQ(t.encode_word("un,affable"), (Ids{3, 15, 6, 5}));
  EXPECT_EQ(t.vocab_size(), 30);
  EXPECT_EQ(t.piece(4), "##aff");
  EXPECT_THROW(t.piece(30), UserError);
  EXPECT_EQ(t.decode_word({3, 4, 5}), "unaffable");
  EXPECT_EQ(t.decode_word({8, 15}), "hello ,");
}

TEST(WordPiece, SerializationRoundTripsAndIsRecognised) {
  for (const bool lowercase : {true, false}) {
    const Tokenizer t = Tokenizer::from_wordpiece_vocab(vocab_text(), lowercase);
    ASSERT_NE(t.wordpiece(), nullptr);
    const Tokenizer back = Tokenizer::from_serialized(t.serialized());
    ASSERT_NE(back.wordpiece(), nullptr);
    EXPECT_EQ(back.wordpiece()->lowercase(), lowercase);
    EXPECT_EQ(back.serialized(), t.serialized());
    EXPECT_EQ(back.checksum(), t.checksum());
    EXPECT_EQ(back.wordpiece()->vocab_text(), vocab_text());
    EXPECT_EQ(back.encode_text("Héllo the [MASK]"), t.encode_text("Héllo the [MASK]"));
  }
  EXPECT_NE(Tokenizer::from_wordpiece_vocab(vocab_text(), true).checksum(),
            Tokenizer::from_wordpiece_vocab(vocab_text(), false).checksum());
}

TEST(WordPiece, VocabularyLinesAndErrors) {
  // \r\n and \r end lines too (Python's text mode); a repeated token maps to its last line.
  const Tokenizer t = Tokenizer::from_wordpiece_vocab("[PAD]\r\n[UNK]\r[CLS]\n[SEP]\n[MASK]\nx\nx", true);
  EXPECT_EQ(t.vocab_size(), 7);
  EXPECT_EQ(t.encode_text("x"), (Ids{6}));
  try {
    Tokenizer::from_wordpiece_vocab("[PAD]\n[UNK]\n[CLS]\n[SEP]\n", true, "dir/vocab.txt");
    FAIL() << "expected a UserError";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("dir/vocab.txt"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("[MASK]"), std::string::npos);
  }
  EXPECT_THROW(Tokenizer::from_serialized("sasmlm-wordpiece 1\nmaybe\n[PAD]\n"), UserError);
}

}  // namespace
}  // namespace sasmlm
