// Plain-text corpora: one sentence per line, blank lines between documents, no arcs.
#include <gtest/gtest.h>

#include "sasmlm/core/error.h"
#include "sasmlm/data/text_corpus.h"
#include "test_util.h"

namespace sasmlm {
namespace {

TEST(TextCorpus, LinesAreSentencesBlankLinesStartDocuments) {
  test::TempDir tmp;
  test::write_text(tmp / "a.txt", "The dog barked.\r\nIt didn't stop\n\n  \nA new story starts here\n");
  EXPECT_TRUE(is_text_corpus((tmp / "a.txt").string()));
  EXPECT_FALSE(is_text_corpus("train.conllu"));
  TextCorpusReader reader((tmp / "a.txt").string());
  ConlluSentence s;
  ASSERT_TRUE(reader.next(s));
  ASSERT_EQ(s.words.size(), 4u);  // The dog barked .
  EXPECT_EQ(s.words[3].form, ".");
  EXPECT_TRUE(s.new_document);
  for (const auto& w : s.words) EXPECT_EQ(w.head, 0);  // no arcs
  ASSERT_TRUE(reader.next(s));
  EXPECT_FALSE(s.new_document);
  EXPECT_EQ(s.words.size(), 4u);  // It did n't stop
  EXPECT_EQ(s.words[2].form, "n't");
  EXPECT_EQ(s.line, 2);
  ASSERT_TRUE(reader.next(s));
  EXPECT_TRUE(s.new_document);
  EXPECT_EQ(s.line, 5);
  EXPECT_FALSE(reader.next(s));
  EXPECT_THROW(TextCorpusReader((tmp / "none.txt").string()), UserError);
}

}  // namespace
}  // namespace sasmlm
