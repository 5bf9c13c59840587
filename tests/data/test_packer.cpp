#include <gtest/gtest.h>

#include <vector>

#include "sasmlm/core/error.h"
#include "sasmlm/data/packer.h"
#include "sasmlm/data/tokenizer.h"

namespace sasmlm {
namespace {

// A sentence whose word w has pieces[w] pieces (ids 100*tag + running index) and head heads[w] (1-based, 0 = root);
// arcs on first pieces, relation id = 10 + dependent word.
AlignedSentence sentence(const std::vector<int>& pieces, const std::vector<int>& heads, int tag) {
  AlignedSentence s;
  for (size_t w = 0; w < pieces.size(); ++w) {
    s.word_starts.push_back(s.num_pieces());
    for (int p = 0; p < pieces[w]; ++p) {
      s.ids.push_back(100 * tag + s.num_pieces());
      s.word_index.push_back(static_cast<int32_t>(w));
    }
  }
  s.word_starts.push_back(s.num_pieces());
  s.heads.assign(s.ids.size(), -1);
  s.relations.assign(s.ids.size(), -1);
  for (size_t w = 0; w < pieces.size(); ++w) {
    if (heads[w] == 0) continue;
    s.heads[s.word_starts[w]] = s.word_starts[heads[w] - 1];
    s.relations[s.word_starts[w]] = 10 + static_cast<int32_t>(w);
  }
  return s;
}

struct Collected {
  std::vector<SequenceData> sequences;
  Packer::Sink sink() {
    return [this](const SequenceData& s) { sequences.push_back(s); };
  }
};

PackerOptions options(int64_t max_len, bool pack = true, bool split = true) {
  PackerOptions o;
  o.max_seq_len = max_len;
  o.pack = pack;
  o.split_long = split;
  return o;
}

TEST(Packer, PacksSentencesOfADocumentWithOneClsAndOneSep) {
  Collected out;
  Packer p(options(12), out.sink());
  const auto a = sentence({1, 2}, {0, 1}, 1);      // 3 pieces
  const auto b = sentence({2, 1, 1}, {2, 0, 2}, 2);  // 4 pieces
  const auto c = sentence({3, 1}, {0, 1}, 3);      // 4 pieces: no longer fits after a + b (3 + 4 + 4 > 10)
  p.add(a, true);
  p.add(b, false);
  p.add(c, false);
  p.finish();
  ASSERT_EQ(out.sequences.size(), 2u);
  const SequenceData& s = out.sequences[0];
  EXPECT_EQ(s.ids, (std::vector<int32_t>{kClsId, 100, 101, 102, 200, 201, 202, 203, kSepId}));
  // a: word 1's first piece (pos 2) -> word 0 (pos 1); b: word 0 (pos 4) -> word 1 (pos 6), word 2 (pos 7) -> 6.
  EXPECT_EQ(s.heads, (std::vector<int16_t>{-1, -1, 1, -1, 6, -1, -1, 6, -1}));
  EXPECT_EQ(s.relations, (std::vector<int16_t>{-1, -1, 11, -1, 10, -1, -1, 12, -1}));
  EXPECT_EQ(s.word_index, (std::vector<int32_t>{-1, 0, 1, 1, 0, 0, 1, 2, -1}));
  EXPECT_EQ(s.flags, (std::vector<uint8_t>{0, kTokenSentenceStart, 0, 0, kTokenSentenceStart, 0, 0, 0, 0}));
  EXPECT_EQ(out.sequences[1].ids.front(), kClsId);
  EXPECT_EQ(out.sequences[1].ids.back(), kSepId);
  EXPECT_EQ(out.sequences[1].size(), 6);
  EXPECT_EQ(p.stats().sequences, 2);
  EXPECT_EQ(p.stats().tokens, 9 + 6);
}

TEST(Packer, ExactFitAndNewDocumentAndNoPacking) {
  Collected out;
  Packer p(options(9), out.sink());
  p.add(sentence({3, 1}, {0, 1}, 1), true);
  p.add(sentence({2, 1}, {0, 1}, 2), false);  // 4 + 3 = 7 = capacity: same sequence
  p.add(sentence({1}, {0}, 3), true);         // new document: new sequence although it would fit
  p.finish();
  ASSERT_EQ(out.sequences.size(), 2u);
  EXPECT_EQ(out.sequences[0].size(), 9);
  EXPECT_EQ(out.sequences[1].size(), 3);

  Collected single;
  Packer q(options(64, false), single.sink());
  for (int i = 0; i < 3; ++i) q.add(sentence({1, 1}, {0, 1}, i + 1), false);
  q.finish();
  ASSERT_EQ(single.sequences.size(), 3u);
  for (const auto& s : single.sequences) EXPECT_EQ(s.size(), 4);
}

TEST(Packer, SplitsLongSentencesAtWordBoundariesAndCutsCrossingArcs) {
  Collected out;
  Packer p(options(6), out.sink());  // 4 pieces per chunk
  // 6 words, 1+2+1+2+1+1 = 8 pieces; word 3 is the root; heads: 1->2, 2->3, 4->3, 5->4, 6->1.
  const auto s = sentence({1, 2, 1, 2, 1, 1}, {2, 3, 0, 3, 4, 1}, 1);
  p.add(sentence({1}, {0}, 9), true);
  p.add(s, false);
  p.add(sentence({1}, {0}, 8), false);
  p.finish();
  // The short sentence before is flushed; chunks: words 0-2 (4 pieces), words 3-5 (4 pieces); then the last one.
  ASSERT_EQ(out.sequences.size(), 4u);
  const SequenceData& c1 = out.sequences[1];
  const SequenceData& c2 = out.sequences[2];
  EXPECT_EQ(c1.ids, (std::vector<int32_t>{kClsId, 100, 101, 102, 103, kSepId}));
  EXPECT_EQ(c1.heads, (std::vector<int16_t>{-1, 2, 4, -1, -1, -1}));
  EXPECT_EQ(c1.flags[1], kTokenSentenceStart);
  EXPECT_EQ(c2.ids, (std::vector<int32_t>{kClsId, 104, 105, 106, 107, kSepId}));
  // word 3 (pos 1) -> word 2 is in chunk 1: cut; word 4 (pos 3) -> word 3 (pos 1); word 5 (pos 4) -> word 0: cut.
  EXPECT_EQ(c2.heads, (std::vector<int16_t>{-1, -1, -1, 1, -1, -1}));
  EXPECT_EQ(c2.relations, (std::vector<int16_t>{-1, -1, -1, 14, -1, -1}));
  EXPECT_EQ(c2.word_index, (std::vector<int32_t>{-1, 3, 3, 4, 5, -1}));
  EXPECT_EQ(c2.flags[1], kTokenSentenceStart | kTokenContinuation);
  EXPECT_EQ(p.stats().sentences_split, 1);
  EXPECT_EQ(p.stats().chunks, 2);
  EXPECT_EQ(p.stats().arcs_cut, 2);
  EXPECT_EQ(p.stats().sentences, 3);
}

TEST(Packer, WordLongerThanAChunkIsCutBetweenPieces) {
  Collected out;
  Packer p(options(5), out.sink());  // 3 pieces per chunk
  p.add(sentence({1, 5}, {0, 1}, 1), true);
  p.finish();
  // Chunks end at word boundaries where one exists: [word 0], then word 1 cut into 3 + 2 pieces.
  ASSERT_EQ(out.sequences.size(), 3u);
  EXPECT_EQ(out.sequences[0].ids, (std::vector<int32_t>{kClsId, 100, kSepId}));
  EXPECT_EQ(out.sequences[1].ids, (std::vector<int32_t>{kClsId, 101, 102, 103, kSepId}));
  EXPECT_EQ(out.sequences[1].heads, (std::vector<int16_t>{-1, -1, -1, -1, -1}));  // its head is in chunk 0
  EXPECT_EQ(out.sequences[1].word_index, (std::vector<int32_t>{-1, 1, 1, 1, -1}));
  EXPECT_EQ(out.sequences[2].ids, (std::vector<int32_t>{kClsId, 104, 105, kSepId}));
  EXPECT_EQ(out.sequences[2].flags[1], kTokenSentenceStart | kTokenContinuation);
  EXPECT_EQ(p.stats().arcs_cut, 1);
  EXPECT_EQ(p.stats().chunks, 3);
}

TEST(Packer, DropsLongSentencesWhenAsked) {
  Collected out;
  Packer p(options(6, true, false), out.sink());
  p.add(sentence({1, 1}, {0, 1}, 1), true);
  p.add(sentence({2, 2, 2}, {0, 1, 1}, 2), false);
  p.add(sentence({1, 1}, {0, 1}, 3), false);
  p.finish();
  // The dropped sentence leaves no trace: its neighbours share one sequence.
  ASSERT_EQ(out.sequences.size(), 1u);
  EXPECT_EQ(p.stats().sentences_dropped, 1);
  EXPECT_EQ(p.stats().sentences_split, 0);
  EXPECT_EQ(out.sequences[0].ids, (std::vector<int32_t>{kClsId, 100, 101, 300, 301, kSepId}));
}

TEST(Packer, OptionsFromConfig) {
  DataConfig c;
  c.long_sentences = "drop";
  EXPECT_FALSE(packer_options(c).split_long);
  c.long_sentences = "truncate";
  EXPECT_THROW(packer_options(c), UserError);
  c.long_sentences = "split";
  c.max_seq_len = 2;
  EXPECT_THROW(packer_options(c), UserError);
  c.max_seq_len = 40000;
  EXPECT_THROW(packer_options(c), UserError);
}

}  // namespace
}  // namespace sasmlm
