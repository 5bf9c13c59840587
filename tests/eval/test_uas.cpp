// evaluate_uas on real (small, randomly initialised) models: wiring, batching, skipping, EWT dev.
#include <gtest/gtest.h>

#include <set>

#include "sasmlm/data/conllu.h"
#include "sasmlm/data/synth.h"
#include "sasmlm/eval/uas.h"
#include "sasmlm/eval/word_attention.h"
#include "test_util.h"

namespace sasmlm {
namespace fs = std::filesystem;
namespace {

// A synthetic treebank and a tokenizer trained on its words, made once per process.
struct Fixture {
  test::TempDir dir;
  fs::path conllu;
  Tokenizer tokenizer;
};

const Fixture& fixture() {
  static Fixture* f = [] {
    auto* fx = new Fixture();
    SynthOptions o;
    o.out_dir = (fx->dir / "synth").string();
    o.sentences = 400;
    o.pairs_per_paradigm = 0;
    synthesize(o);
    fx->conllu = fx->dir / "synth" / "train.conllu";
    std::vector<std::vector<std::string>> words;
    for (const auto& s : read_conllu_file(fx->conllu.string())) {
      words.emplace_back();
      for (const auto& w : s.words) words.back().push_back(w.form);
    }
    TokenizerConfig tc;
    tc.vocab_size = 200;  // small: many words split into several pieces
    fx->tokenizer = Tokenizer::train(words, tc);
    return fx;
  }();
  return *f;
}

BertForMaskedLM random_model(int64_t vocab, int64_t max_position = 128) {
  torch::manual_seed(11);
  BertOptions o;
  o.vocab_size = vocab;
  o.layers = 2;
  o.hidden = 32;
  o.heads = 4;
  o.intermediate = 64;
  o.max_position = max_position;
  return BertForMaskedLM(o);
}

// Keeps every layer's probabilities (one sentence at a time), for the comparison with the pure path.
class Recorder : public AttentionObserver {
 public:
  bool wants_layer(int64_t) const override { return true; }
  bool post_dropout() const override { return false; }
  void observe(int64_t, const torch::Tensor& probs) override { layers.push_back(probs.detach().clone()); }
  std::vector<torch::Tensor> layers;  // each (1, H, T, T)
};

TEST(Uas, BatchSizeDoesNotChangeTheResult) {
  const auto& f = fixture();
  const UasCorpus corpus = read_uas_corpus(f.conllu.string(), f.tokenizer, 150);
  BertForMaskedLM model = random_model(f.tokenizer.vocab_size());
  const nlohmann::json one = uas_to_json(evaluate_uas(model, corpus, 1, torch::kCPU));
  EXPECT_EQ(one, uas_to_json(evaluate_uas(model, corpus, 5, torch::kCPU)));
  EXPECT_EQ(one, uas_to_json(evaluate_uas(model, corpus, 64, torch::kCPU)));
  int64_t words = 0;
  for (const auto& s : corpus.sentences) words += int64_t(s.words.size());
  EXPECT_EQ(one["words_scored"], words);
  EXPECT_EQ(one["sentences_skipped"], 0);
}

TEST(Uas, EqualsThePureScorerOnRecordedAttention) {
  const auto& f = fixture();
  const UasCorpus corpus = read_uas_corpus(f.conllu.string(), f.tokenizer, 40);
  ASSERT_EQ(corpus.sentences.size(), 40u);
  BertForMaskedLM model = random_model(f.tokenizer.vocab_size());
  model->train();  // evaluate_uas must switch to eval mode and back
  const UasResult probe = evaluate_uas(model, corpus, 1, torch::kCPU);
  EXPECT_TRUE(model->is_training());

  model->eval();
  torch::NoGradGuard no_grad;
  UasScorer scorer(2, 4);
  bool multi_piece = false;
  for (size_t s = 0; s < corpus.sentences.size(); ++s) {
    const auto& ids = corpus.ids[s];
    const auto& map = corpus.piece_word[s];
    multi_piece = multi_piece || ids.size() > corpus.sentences[s].words.size() + 2;
    Recorder recorder;
    const torch::Tensor input = torch::tensor(std::vector<int64_t>(ids.begin(), ids.end())).view({1, -1});
    model->encode(input, torch::Tensor(), &recorder);
    const torch::Tensor piece_word = torch::tensor(map).view({1, -1});
    const torch::Tensor n = torch::tensor({int64_t(corpus.sentences[s].words.size())});
    std::vector<torch::Tensor> maps;
    for (const auto& probs : recorder.layers) maps.push_back(word_level_attention(probs, piece_word, n)[0]);
    score_word_maps(scorer, corpus.sentences[s], torch::stack(maps));  // (L, H, n, n)
  }
  EXPECT_TRUE(multi_piece) << "the tokenizer should split some words";
  EXPECT_EQ(uas_to_json(probe), uas_to_json(scorer.result()));
}

TEST(Uas, SentencesLongerThanThePositionsAreSkippedAndCounted) {
  const auto& f = fixture();
  const UasCorpus corpus = read_uas_corpus(f.conllu.string(), f.tokenizer, 100);
  const int64_t max_position = 14;
  int64_t skipped = 0, words = 0;
  for (size_t s = 0; s < corpus.ids.size(); ++s) {
    if (int64_t(corpus.ids[s].size()) > max_position) {
      ++skipped;
    } else {
      words += int64_t(corpus.sentences[s].words.size());
    }
  }
  ASSERT_GT(skipped, 0);
  ASSERT_LT(skipped, 100);
  BertForMaskedLM model = random_model(f.tokenizer.vocab_size(), max_position);
  const UasResult r = evaluate_uas(model, corpus, 8, torch::kCPU);
  EXPECT_EQ(r.sentences_skipped, skipped);
  EXPECT_EQ(r.words_scored, words);
  EXPECT_EQ(r.sentences_scored, 100 - skipped);
}

TEST(Uas, EwtDevWithARandomModel) {
  SASMLM_REQUIRE_SHARED(dev, "ud-ewt/dev.conllu");
  const auto sentences = read_conllu_file(dev.string());
  ASSERT_EQ(sentences.size(), 2001u);
  std::vector<std::vector<std::string>> words;
  for (size_t s = 0; s < 300; ++s) {
    words.emplace_back();
    for (const auto& w : sentences[s].words) words.back().push_back(w.form);
  }
  TokenizerConfig tc;
  tc.vocab_size = 800;
  const Tokenizer tokenizer = Tokenizer::train(words, tc);
  const UasCorpus corpus = read_uas_corpus(dev.string(), tokenizer, 300);
  BertForMaskedLM model = random_model(tokenizer.vocab_size(), 512);
  const UasResult r = evaluate_uas(model, corpus, 32, torch::kCPU);
  int64_t total = 0;
  std::map<std::string, int64_t> relation_words;
  for (size_t s = 0; s < 300; ++s) {
    total += int64_t(sentences[s].words.size());
    for (const auto& w : sentences[s].words) ++relation_words[w.deprel];
  }
  EXPECT_EQ(r.words_scored, total);
  EXPECT_EQ(r.sentences_skipped, 0);
  // Relations carry their full labels (nmod:poss apart from nmod); root and punct are left out.
  ASSERT_TRUE(r.per_relation.count("nmod:poss"));
  EXPECT_EQ(r.per_relation.at("nmod:poss").count, relation_words["nmod:poss"]);
  EXPECT_EQ(r.per_relation.size(), relation_words.size() - 2);
  // English dependencies are short: a fixed offset explains a good share of them, a random model little more.
  EXPECT_GT(r.offset_baseline, 0.25);
  EXPECT_LT(r.offset_baseline, 0.5);
  EXPECT_GT(r.uas, 0.0);
  EXPECT_LE(r.uas_pooled, 1.0);
}

}  // namespace
}  // namespace sasmlm
