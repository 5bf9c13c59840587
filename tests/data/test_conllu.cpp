#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sasmlm/core/error.h"
#include "sasmlm/data/conllu.h"
#include "test_util.h"

namespace sasmlm {
namespace {

using test::TempDir;
using test::write_text;

// One word line: id, form, head, deprel; other columns "_" or fixed plausible values.
std::string word_line(const std::string& id, const std::string& form, const std::string& head,
                      const std::string& deprel) {
  return id + "\t" + form + "\t" + form + "\tX\t_\t_\t" + head + "\t" + deprel + "\t_\t_\n";
}

const std::string kTwoSentences =
    "# newdoc id = d1\n"
    "# sent_id = s1\n"
    "# text = I don't know.\n" +
    word_line("1", "I", "4", "nsubj") + "2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n" +
    word_line("2", "do", "4", "aux") + word_line("3", "n't", "4", "advmod") + word_line("4", "know", "0", "root") +
    "4.1\tknew\tknow\tVERB\t_\t_\t_\t_\t4:conj\t_\n" + word_line("5", ".", "4", "punct") + "\n" +
    "# sent_id = s2\n" + word_line("1", "Yes", "0", "root") + word_line("2", "!", "1", "punct") + "\n";

// Reads `text` from a file and expects a UserError whose message contains every fragment.
void expect_error(const std::string& text, const std::vector<std::string>& fragments) {
  TempDir dir;
  const auto path = dir / "bad.conllu";
  write_text(path, text);
  try {
    read_conllu_file(path.string());
    FAIL() << "expected UserError for:\n" << text;
  } catch (const UserError& e) {
    const std::string message = e.what();
    for (const auto& f : fragments) EXPECT_NE(message.find(f), std::string::npos) << message << "\n  lacks: " << f;
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  }
}

TEST(Conllu, ReadsWordsCommentsRangesAndEmptyNodes) {
  TempDir dir;
  write_text(dir / "a.conllu", kTwoSentences);
  const auto sentences = read_conllu_file((dir / "a.conllu").string());
  ASSERT_EQ(sentences.size(), 2u);
  const auto& s = sentences[0];
  EXPECT_EQ(s.sent_id, "s1");
  EXPECT_EQ(s.text, "I don't know.");
  EXPECT_TRUE(s.new_document);
  EXPECT_EQ(s.line, 1);
  ASSERT_EQ(s.words.size(), 5u);  // the range line and the empty node are not words
  EXPECT_EQ(s.words[1].form, "do");
  EXPECT_EQ(s.words[2].form, "n't");
  EXPECT_EQ(s.words[3].head, 0);
  EXPECT_EQ(s.words[3].deprel, "root");
  EXPECT_EQ(s.words[4].id, 5);
  EXPECT_EQ(s.words[4].head, 4);
  EXPECT_EQ(s.words[0].upos, "X");
  EXPECT_EQ(sentences[1].sent_id, "s2");
  EXPECT_FALSE(sentences[1].new_document);
  EXPECT_EQ(sentences[1].line, 12);
  EXPECT_EQ(sentences[1].words[1].head, 1);
}

TEST(Conllu, UnderscoreFieldsAndUnderscoreFormAccepted) {
  TempDir dir;
  write_text(dir / "a.conllu", "1\t_\t_\t_\t_\t_\t0\troot\t_\t_\n\n");
  const auto sentences = read_conllu_file((dir / "a.conllu").string());
  ASSERT_EQ(sentences.size(), 1u);
  EXPECT_EQ(sentences[0].words[0].form, "_");
}

TEST(Conllu, WindowsLineEndingsAccepted) {
  std::string crlf;
  for (char c : kTwoSentences) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  TempDir dir;
  write_text(dir / "a.conllu", crlf);
  const auto sentences = read_conllu_file((dir / "a.conllu").string());
  ASSERT_EQ(sentences.size(), 2u);
  EXPECT_EQ(sentences[0].words[4].deprel, "punct");  // no trailing \r in the last column's neighbours
  EXPECT_EQ(sentences[0].text, "I don't know.");
  EXPECT_EQ(sentences[1].words[1].form, "!");
}

TEST(Conllu, NewdocStartsDocumentsAndNoTrailingBlankLineNeeded) {
  TempDir dir;
  write_text(dir / "a.conllu", word_line("1", "a", "0", "root") + "\n\n\n# newdoc\n" +
                                   word_line("1", "b", "0", "root") + "\n" + word_line("1", "c", "0", "root"));
  const auto sentences = read_conllu_file((dir / "a.conllu").string());
  ASSERT_EQ(sentences.size(), 3u);
  EXPECT_TRUE(sentences[0].new_document);  // first of the file
  EXPECT_TRUE(sentences[1].new_document);
  EXPECT_FALSE(sentences[2].new_document);
  EXPECT_EQ(sentences[2].words[0].form, "c");
}

TEST(ConlluBadInput, EmptyFile) { expect_error("", {"no sentences", "empty file"}); }

TEST(ConlluBadInput, OnlyComments) { expect_error("# just a comment\n\n", {"no words"}); }

TEST(ConlluBadInput, BinaryGarbage) {
  std::string garbage = "\x7f" "ELF\x02\x01\x01";
  garbage += std::string(3, '\0');
  garbage += "\x89PNG\r\n";
  expect_error(garbage, {":1: NUL byte", "binary"});
}

TEST(ConlluBadInput, BinaryGarbageFailsEvenWithSkipInvalid) {
  TempDir dir;
  std::string text = kTwoSentences + std::string("\x01\x02\0\x03", 4) + "\n";
  write_text(dir / "a.conllu", text);
  EXPECT_THROW(read_conllu_file((dir / "a.conllu").string(), {true}), UserError);
}

TEST(ConlluBadInput, TextGarbageWithoutTabs) {
  expect_error("Lorem ipsum dolor sit amet\n", {":1: expected 10 tab-separated columns, found 1", "tabs, not spaces"});
}

TEST(ConlluBadInput, InvalidUtf8) {
  expect_error(word_line("1", "caf\xe9", "0", "root") + "\n", {":1:", "invalid UTF-8"});
}

TEST(ConlluBadInput, NineColumns) {
  expect_error(word_line("1", "a", "0", "root") + "2\tb\tb\tX\t_\t_\t1\tdep\t_\n\n",
               {"bad.conllu:2: expected 10 tab-separated columns, found 9"});
}

TEST(ConlluBadInput, EmptyColumn) {
  expect_error("1\ta\ta\tX\t_\t_\t0\t\t_\t_\n\n", {":1: column 8 (DEPREL) is empty"});
}

TEST(ConlluBadInput, NonIntegerId) {
  expect_error(word_line("1", "a", "0", "root") + word_line("two", "b", "1", "dep") + "\n",
               {":2: ID 'two' is not an integer"});
}

TEST(ConlluBadInput, NonConsecutiveIds) {
  expect_error(word_line("1", "a", "0", "root") + word_line("3", "b", "1", "dep") + "\n",
               {":2: word ids must be consecutive from 1: expected 2, found 3"});
}

TEST(ConlluBadInput, HeadOutOfRange) {
  expect_error("# sent_id = x\n" + word_line("1", "a", "0", "root") + word_line("2", "b", "7", "dep") + "\n",
               {":3: HEAD 7 of word 2 is out of range (the sentence has 2 words)"});
}

TEST(ConlluBadInput, NonIntegerHead) {
  expect_error(word_line("1", "a", "_", "root") + "\n", {":1: HEAD '_' of word 1", "gold dependency trees"});
}

TEST(ConlluBadInput, TwoRoots) {
  expect_error(word_line("1", "a", "0", "root") + word_line("2", "b", "0", "root") + "\n",
               {":2: more than one root: words 1 and 2"});
}

TEST(ConlluBadInput, NoRoot) {
  expect_error(word_line("1", "a", "2", "dep") + word_line("2", "b", "1", "dep") + "\n", {"no root"});
}

TEST(ConlluBadInput, Cycle) {
  expect_error(word_line("1", "a", "0", "root") + word_line("2", "b", "3", "dep") + word_line("3", "c", "4", "dep") +
                   word_line("4", "d", "2", "dep") + "\n",
               {"cycle in heads: 2 -> 3 -> 4 -> 2"});
}

TEST(ConlluBadInput, SelfLoop) {
  expect_error(word_line("1", "a", "0", "root") + word_line("2", "b", "2", "dep") + "\n",
               {":2: word 2 is its own head"});
}

TEST(ConlluBadInput, MultiwordRangeReversed) {
  expect_error(word_line("1", "a", "0", "root") + "3-2\tbc\t_\t_\t_\t_\t_\t_\t_\t_\n" +
                   word_line("2", "b", "1", "dep") + word_line("3", "c", "1", "dep") + "\n",
               {":2: multiword token range 3-2 starts after it ends"});
}

TEST(ConlluBadInput, MultiwordRangePastLastWord) {
  expect_error(word_line("1", "a", "0", "root") + "2-4\tbc\t_\t_\t_\t_\t_\t_\t_\t_\n" +
                   word_line("2", "b", "1", "dep") + word_line("3", "c", "1", "dep") + "\n",
               {":2: multiword token range 2-4 ends after the last word (3)"});
}

TEST(ConlluBadInput, MultiwordRangeNotBeforeItsWords) {
  expect_error(word_line("1", "a", "0", "root") + "3-4\tcd\t_\t_\t_\t_\t_\t_\t_\t_\n" +
                   word_line("2", "b", "1", "dep") + word_line("3", "c", "1", "dep") +
                   word_line("4", "d", "1", "dep") + "\n",
               {":2: multiword token range 3-4 must come right before word 3"});
}

TEST(ConlluBadInput, MultiwordRangeMalformed) {
  expect_error("1-x\tab\t_\t_\t_\t_\t_\t_\t_\t_\n" + word_line("1", "a", "0", "root") + "\n",
               {":1: multiword token ID '1-x' is not a range"});
}

TEST(ConlluBadInput, EmptyNodeOutOfPlace) {
  expect_error(word_line("1", "a", "0", "root") + "3.1\tx\t_\t_\t_\t_\t_\t_\t_\t_\n" + "\n",
               {":2: empty node 3.1 must follow word 3"});
}

TEST(ConlluBadInput, CommentInsideSentence) {
  expect_error(word_line("1", "a", "0", "root") + "# text = b\n" + word_line("1", "b", "0", "root") + "\n",
               {":2: comment line after word lines", "blank line"});
}

TEST(Conllu, SkipInvalidCountsAndKeepsReasons) {
  std::string text;
  for (int i = 0; i < 8; ++i) {
    text += "# sent_id = bad" + std::to_string(i) + "\n" + word_line("1", "a", "0", "root") +
            word_line("2", "b", "0", "root") + "\n";
    text += word_line("1", "ok", "0", "root") + "\n";
  }
  TempDir dir;
  write_text(dir / "a.conllu", text);
  ConlluReader reader((dir / "a.conllu").string(), {true});
  ConlluSentence s;
  int good = 0;
  while (reader.next(s)) {
    EXPECT_EQ(s.words[0].form, "ok");
    ++good;
  }
  EXPECT_EQ(good, 8);
  EXPECT_EQ(reader.sentences_read(), 8);
  EXPECT_EQ(reader.sentences_skipped(), 8);
  ASSERT_EQ(reader.skip_reasons().size(), static_cast<size_t>(ConlluReader::kMaxReasons));
  EXPECT_NE(reader.skip_reasons()[0].find("a.conllu:3: more than one root"), std::string::npos)
      << reader.skip_reasons()[0];
  EXPECT_NE(reader.skip_reasons()[1].find("a.conllu:9:"), std::string::npos) << reader.skip_reasons()[1];
}

TEST(Conllu, SkipInvalidAllBadStillFails) {
  expect_error(word_line("1", "a", "0", "root") + word_line("2", "b", "0", "root") + "\n", {"more than one root"});
  TempDir dir;
  write_text(dir / "a.conllu", word_line("1", "a", "0", "root") + word_line("2", "b", "0", "root") + "\n");
  try {
    read_conllu_file((dir / "a.conllu").string(), {true});
    FAIL() << "expected UserError";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("all 1 were invalid"), std::string::npos) << e.what();
  }
}

TEST(Conllu, ValidateSentenceDirectly) {
  ConlluSentence s;
  EXPECT_EQ(validate_sentence(s), "sentence has no words");
  s.words = {{1, "a", "X", 0, "root"}, {2, "b", "X", 1, "dep"}};
  EXPECT_EQ(validate_sentence(s), "");
  s.words[0].head = 2;
  EXPECT_NE(validate_sentence(s).find("no root"), std::string::npos);
}

TEST(Conllu, MissingFileNamesPath) {
  try {
    ConlluReader reader("/nonexistent/x.conllu");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/x.conllu"), std::string::npos);
  }
}

TEST(Conllu, EwtTrainCounts) {
  SASMLM_REQUIRE_SHARED(path, "ud-ewt/train.conllu");
  ConlluReader reader(path.string());
  ConlluSentence s;
  int64_t sentences = 0, words = 0, documents = 0;
  while (reader.next(s)) {
    ++sentences;
    words += static_cast<int64_t>(s.words.size());
    documents += s.new_document ? 1 : 0;
  }
  EXPECT_EQ(sentences, 12544);
  EXPECT_EQ(words, 204577);
  EXPECT_EQ(reader.sentences_skipped(), 0);
  EXPECT_GT(documents, 100);
}

}  // namespace
}  // namespace sasmlm
