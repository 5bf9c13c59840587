#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sasmlm/core/error.h"
#include "sasmlm/data/alignment.h"

namespace sasmlm {
namespace {

// A tokenizer with barely more pieces than characters: most words become several pieces.
const Tokenizer& small_tokenizer() {
  static const Tokenizer kTokenizer = [] {
    std::vector<std::vector<std::string>> corpus;
    for (int i = 0; i < 50; ++i) {
      corpus.push_back({"unbelievable", "walkers", "sing", "loudly", "a", "cat", "barked", "the", "dogs",
                        "believe", "walking", "singer", "loud", "unable", "talkers", "barking"});
    }
    TokenizerConfig c;
    c.vocab_size = 30;
    c.character_coverage = 1.0;
    return Tokenizer::train(corpus, c);
  }();
  return kTokenizer;
}

ConlluSentence make_sentence() {
  // "unbelievable walkers sing loudly": 1 -> 2 (amod), 2 -> 3 (nsubj), 3 root, 4 -> 3 (advmod).
  ConlluSentence s;
  s.words = {{1, "unbelievable", "ADJ", 2, "amod"},
             {2, "walkers", "NOUN", 3, "nsubj"},
             {3, "sing", "VERB", 0, "root"},
             {4, "loudly", "ADV", 3, "advmod"}};
  return s;
}

TEST(Alignment, FirstPieceConvention) {
  const Tokenizer& t = small_tokenizer();
  const ConlluSentence s = make_sentence();
  std::vector<int> len;
  for (const auto& w : s.words) len.push_back(static_cast<int>(t.encode_word(w.form).size()));
  ASSERT_GE(len[0], 2);  // the example needs multi-piece dependents and heads
  ASSERT_GE(len[1], 2);
  ASSERT_GE(len[3], 2);
  const int s1 = len[0], s2 = len[0] + len[1], s3 = s2 + len[2], total = s3 + len[3];

  RelationVocab relations;
  AlignedSentence a;
  align_sentence(s, t, ArcPieces::kFirst, relations, a);
  ASSERT_EQ(a.num_pieces(), total);
  EXPECT_EQ(a.word_starts, (std::vector<int32_t>{0, s1, s2, s3, total}));
  std::vector<int32_t> heads(total, -1), rels(total, -1), words;
  heads[0] = s1;   // unbelievable -> walkers' first piece
  heads[s1] = s2;  // walkers -> sing
  heads[s3] = s2;  // loudly -> sing
  rels[0] = 0;     // relation ids in order of first appearance: amod, nsubj, advmod
  rels[s1] = 1;
  rels[s3] = 2;
  for (int w = 0; w < 4; ++w) words.insert(words.end(), len[w], w);
  EXPECT_EQ(a.heads, heads);
  EXPECT_EQ(a.relations, rels);
  EXPECT_EQ(a.word_index, words);
  EXPECT_EQ(relations.labels(), (std::vector<std::string>{"amod", "nsubj", "advmod"}));
  std::vector<int32_t> ids;
  for (const auto& w : s.words) t.encode_word_into(w.form, ids);
  EXPECT_EQ(a.ids, ids);
}

TEST(Alignment, AllPiecesConvention) {
  const Tokenizer& t = small_tokenizer();
  const ConlluSentence s = make_sentence();
  std::vector<int> len;
  for (const auto& w : s.words) len.push_back(static_cast<int>(t.encode_word(w.form).size()));
  const int s1 = len[0], s2 = len[0] + len[1], s3 = s2 + len[2], total = s3 + len[3];

  RelationVocab relations({"advmod"});  // an existing vocabulary keeps its ids
  AlignedSentence a;
  align_sentence(s, t, ArcPieces::kAll, relations, a);
  std::vector<int32_t> heads(total, -1), rels(total, -1);
  for (int p = 0; p < s1; ++p) heads[p] = s1, rels[p] = 1;
  for (int p = s1; p < s2; ++p) heads[p] = s2, rels[p] = 2;
  for (int p = s3; p < total; ++p) heads[p] = s2, rels[p] = 0;  // the root's pieces (s2..s3) keep -1
  EXPECT_EQ(a.heads, heads);
  EXPECT_EQ(a.relations, rels);
}

TEST(Alignment, ParseArcPieces) {
  EXPECT_EQ(parse_arc_pieces("first"), ArcPieces::kFirst);
  EXPECT_EQ(parse_arc_pieces("all"), ArcPieces::kAll);
  try {
    parse_arc_pieces("last");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("data.arc_pieces"), std::string::npos);
  }
}

}  // namespace
}  // namespace sasmlm
