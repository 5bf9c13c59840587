// UAS and offset-baseline scoring on word-level attention built by hand.
#include <gtest/gtest.h>

#include "sasmlm/eval/uas_scorer.h"

namespace sasmlm {
namespace {

// A sentence from (head, deprel) per word; forms are w1, w2, ...
ConlluSentence make_sentence(const std::vector<std::pair<int32_t, std::string>>& arcs) {
  ConlluSentence s;
  for (size_t i = 0; i < arcs.size(); ++i) {
    ConlluWord w;
    w.id = int32_t(i) + 1;
    w.form = "w" + std::to_string(i + 1);
    w.head = arcs[i].first;
    w.deprel = arcs[i].second;
    s.words.push_back(w);
  }
  return s;
}

// Sentences whose first word is never the root (so "one to the left" and offset -1 differ only where they must).
std::vector<ConlluSentence> treebank() {
  return {make_sentence({{2, "det"}, {3, "nsubj"}, {0, "root"}, {3, "obj"}, {4, "amod"}, {3, "punct"}}),
          make_sentence({{2, "nsubj"}, {0, "root"}, {2, "obj"}, {3, "nmod"}}),
          make_sentence({{3, "det"}, {3, "amod"}, {4, "nsubj"}, {0, "root"}, {4, "advmod"}, {4, "punct"}}),
          make_sentence({{2, "nsubj"}, {0, "root"}, {4, "det"}, {2, "obj"}, {4, "nmod"}, {5, "case"}}),
          make_sentence({{2, "nsubj"}, {0, "root"}, {2, "obj"}, {3, "nmod"}, {4, "case"}})};
}

// (L, H, n, n) maps: every (layer, head) gets `fill(layer, head, i, j)` at row i, column j (0-based words); the
// diagonal is zeroed as word_level_attention does.
template <class F>
torch::Tensor build_maps(int64_t layers, int64_t heads, int64_t n, F fill) {
  torch::Tensor maps = torch::zeros({layers, heads, n, n});
  auto a = maps.accessor<float, 4>();
  for (int64_t l = 0; l < layers; ++l)
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j) a[l][h][i][j] = i == j ? 0.0f : fill(l, h, i, j);
  return maps;
}

int64_t total_words(const std::vector<ConlluSentence>& sentences) {
  int64_t n = 0;
  for (const auto& s : sentences) n += int64_t(s.words.size());
  return n;
}

TEST(UasScorer, GoldHeadAttentionScoresEveryNonRootWord) {
  // Layer 1, head 0 attends from each word to its gold head; everything else is uniform.
  UasScorer scorer(2, 2);
  const auto sentences = treebank();
  for (const auto& s : sentences) {
    const int64_t n = int64_t(s.words.size());
    score_word_maps(scorer, s, build_maps(2, 2, n, [&](int64_t l, int64_t h, int64_t i, int64_t j) {
                      if (l == 1 && h == 0) return s.words[size_t(i)].head == j + 1 ? 1.0f : 0.0f;
                      return 0.1f;
                    }));
  }
  const UasResult r = scorer.result();
  // The root's head (0) is never predicted, and `uas` counts all words: exactly the non-root share.
  const int64_t words = total_words(sentences);
  EXPECT_EQ(r.words_scored, words);
  EXPECT_DOUBLE_EQ(r.uas, double(words - int64_t(sentences.size())) / double(words));
  EXPECT_EQ(r.best_head.layer, 1);
  EXPECT_EQ(r.best_head.head, 0);
  EXPECT_EQ(r.best_head.direction, ArcDirection::kToHead);
  // Root and punct excluded, every relation and the pooled score are perfect.
  EXPECT_DOUBLE_EQ(r.uas_pooled, 1.0);
  EXPECT_EQ(r.per_relation.count("root"), 0u);
  EXPECT_EQ(r.per_relation.count("punct"), 0u);
  for (const auto& [rel, u] : r.per_relation) {
    EXPECT_DOUBLE_EQ(u.uas, 1.0) << rel;
    EXPECT_EQ(u.best.layer, 1) << rel;
    EXPECT_EQ(u.best.head, 0) << rel;
  }
}

TEST(UasScorer, OneToTheLeftGivesExactlyTheOffsetMinusOneShare) {
  UasScorer scorer(1, 1);
  const auto sentences = treebank();
  int64_t left_heads = 0;
  for (const auto& s : sentences) {
    for (const auto& w : s.words) left_heads += w.head == w.id - 1;
    score_word_maps(scorer, s, build_maps(1, 1, int64_t(s.words.size()), [](int64_t, int64_t, int64_t i, int64_t j) {
                      return j == i - 1 ? 1.0f : 0.0f;
                    }));
  }
  const UasResult r = scorer.result();
  const double share = double(left_heads) / double(total_words(sentences));
  EXPECT_DOUBLE_EQ(r.uas, share);
  EXPECT_EQ(r.best_head.direction, ArcDirection::kToHead);
  EXPECT_EQ(r.best_offset, -1);
  EXPECT_DOUBLE_EQ(r.offset_baseline, share);
}

TEST(UasScorer, PerRelationAndPooledOnAHandExample) {
  // One sentence: w1 -det-> w2 -nsubj-> w3 (root) <-obj- w4 <-punct- ... (w5 punct on w3).
  const ConlluSentence s = make_sentence({{2, "det"}, {3, "nsubj"}, {0, "root"}, {3, "obj"}, {3, "punct"}});
  // Head 0 (to_head): w1->w2, w2->w3, w3->w1, w4->w5, w5->w4: right on det, nsubj.
  // Head 1 (to_head): w1->w3, w2->w1, w3->w4, w4->w3, w5->w3: right on obj and punct.
  const std::vector<std::vector<int64_t>> target = {{2, 3, 1, 5, 4}, {3, 1, 4, 3, 3}};
  UasScorer scorer(1, 2);
  score_word_maps(scorer, s, build_maps(1, 2, 5, [&](int64_t, int64_t h, int64_t i, int64_t j) {
                    return target[size_t(h)][size_t(i)] == j + 1 ? 0.9f : 0.01f;
                  }));
  const UasResult r = scorer.result();
  // All words: head 0 to_head 2 of 5 (det, nsubj), head 1 to_head 2 of 5 (obj, punct), head 0 to_dependent 0,
  // head 1 to_dependent 2 of 5 (det, obj): the tie goes to the first, head 0 to_head.
  EXPECT_DOUBLE_EQ(r.uas, 0.4);
  EXPECT_EQ(r.best_head.head, 0);
  EXPECT_EQ(r.best_head.direction, ArcDirection::kToHead);
  ASSERT_EQ(r.per_relation.size(), 3u);  // det, nsubj, obj
  EXPECT_EQ(r.per_relation.at("obj").best.head, 1);
  EXPECT_DOUBLE_EQ(r.per_relation.at("obj").uas, 1.0);
  EXPECT_EQ(r.per_relation.at("det").best.head, 0);
  EXPECT_EQ(r.per_relation.at("det").count, 1);
  // Pooled: det, nsubj, obj each by their own best head: 3 of 3. Offsets per relation: det (w1->w2) k=+1,
  // nsubj (w2->w3) k=+1, obj (w4->w3) k=-1: pooled offset 3 of 3 as well.
  EXPECT_DOUBLE_EQ(r.uas_pooled, 1.0);
  EXPECT_EQ(r.per_relation.at("obj").offset, -1);
  EXPECT_EQ(r.per_relation.at("det").offset, 1);
  EXPECT_DOUBLE_EQ(r.offset_baseline_pooled, 1.0);
  // Single best offset over all words: k=+1 right on w1, w2 (2/5); k=-3, -2, -1 one word each; k=0, +2 none.
  EXPECT_EQ(r.best_offset, 1);
  EXPECT_DOUBLE_EQ(r.offset_baseline, 0.4);
}

TEST(UasScorer, TiesGoToTheFirstLayerHeadDirectionAndTheSmallestOffset) {
  // Every head identical and symmetric: all (layer, head, direction) tie; the first must be chosen.
  const ConlluSentence s = make_sentence({{2, "nsubj"}, {0, "root"}, {2, "obj"}});
  UasScorer scorer(2, 3);
  score_word_maps(scorer, s, build_maps(2, 3, 3, [](int64_t, int64_t, int64_t i, int64_t j) {
                    return (i == 0 && j == 1) || (i == 1 && j == 0) || (i == 2 && j == 1) || (i == 1 && j == 2)
                               ? 0.5f : 0.0f;
                  }));
  UasResult r = scorer.result();
  EXPECT_EQ(r.best_head.layer, 0);
  EXPECT_EQ(r.best_head.head, 0);
  EXPECT_EQ(r.best_head.direction, ArcDirection::kToHead);

  // A later head better than the first: layer 1 head 2 to_dependent alone gets obj right.
  UasScorer later(2, 3);
  score_word_maps(later, s, build_maps(2, 3, 3, [](int64_t l, int64_t h, int64_t i, int64_t j) {
                    // to_dependent of word 3 = argmax of column 3 (index 2): make row 2 (w2) attend to w3.
                    if (l == 1 && h == 2) return (i == 1 && j == 2) ? 1.0f : 0.1f;
                    return i == 0 && j == 2 ? 1.0f : 0.1f;
                  }));
  r = later.result();
  EXPECT_EQ(r.best_head.layer, 1);
  EXPECT_EQ(r.best_head.head, 2);
  EXPECT_EQ(r.best_head.direction, ArcDirection::kToDependent);

  // Offsets on `s`: k=-3 (w2 -> 0), k=-2 (w2 -> 0), k=-1 (w3 -> 2) and k=+1 (w1 -> 2) each get 1 of 3: the
  // smallest, -3, wins.
  UasScorer offsets(1, 1);
  score_word_maps(offsets, s, torch::zeros({1, 1, 3, 3}));
  r = offsets.result();
  EXPECT_EQ(r.best_offset, -3);
  EXPECT_DOUBLE_EQ(r.offset_baseline, 1.0 / 3.0);
}

TEST(UasScorer, JsonCarriesTheInterfaceFields) {
  UasScorer scorer(1, 1);
  scorer.add_skipped();
  const ConlluSentence s = make_sentence({{0, "root"}, {1, "obj"}});
  score_word_maps(scorer, s, build_maps(1, 1, 2, [](int64_t, int64_t, int64_t i, int64_t j) { return 1.0f; }));
  const nlohmann::json j = uas_to_json(scorer.result());
  for (const char* key : {"uas", "offset_baseline", "uas_best_head", "uas_pooled", "offset_baseline_pooled",
                          "uas_per_relation", "words_scored", "sentences_skipped"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  for (const char* key : {"layer", "head", "direction", "uas"}) EXPECT_TRUE(j["uas_best_head"].contains(key)) << key;
  for (const char* key : {"uas", "layer", "head", "direction", "count", "offset", "offset_uas"}) {
    EXPECT_TRUE(j["uas_per_relation"]["obj"].contains(key)) << key;
  }
  EXPECT_EQ(j["sentences_skipped"], 1);
  EXPECT_EQ(j["words_scored"], 2);
  EXPECT_EQ(j["uas_best_head"]["direction"], "to_head");
  EXPECT_DOUBLE_EQ(j["uas"].get<double>(), 0.5);  // w2 -> w1 right, the root never
}

}  // namespace
}  // namespace sasmlm
