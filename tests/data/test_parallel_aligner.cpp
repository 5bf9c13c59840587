#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "sasmlm/core/error.h"
#include "sasmlm/core/rng.h"
#include "sasmlm/data/parallel_aligner.h"

namespace sasmlm {
namespace {

const Tokenizer& small_tokenizer() {
  static const Tokenizer kTokenizer = [] {
    std::vector<std::vector<std::string>> corpus;
    for (int i = 0; i < 50; ++i) corpus.push_back({"unbelievable", "walkers", "sing", "loudly", "a", "cat", "barked"});
    TokenizerConfig c;
    c.vocab_size = 25;
    c.character_coverage = 1.0;
    return Tokenizer::train(corpus, c);
  }();
  return kTokenizer;
}

// Random trees whose relation labels come from a large set, so that later batches introduce new labels.
std::vector<ConlluSentence> make_sentences(int count, uint64_t seed) {
  const std::vector<std::string> forms = {"unbelievable", "walkers", "sing", "loudly", "a", "cat", "barked", "zq"};
  Rng rng(seed);
  std::vector<ConlluSentence> out;
  for (int s = 0; s < count; ++s) {
    ConlluSentence sentence;
    const int n = 1 + static_cast<int>(rng.below(8));
    for (int i = 1; i <= n; ++i) {
      const int head = i == 1 ? 0 : 1 + static_cast<int>(rng.below(uint64_t(i - 1)));
      const std::string rel = "rel" + std::to_string(rng.below(uint64_t(5 + s)));  // the label set grows
      sentence.words.push_back({i, forms[rng.below(forms.size())], "X", head, rel});
    }
    sentence.new_document = s % 5 == 0;
    out.push_back(std::move(sentence));
  }
  return out;
}

// The batches through ParallelAligner, their relation ids mapped to one vocabulary in order, as prepare does.
std::vector<AlignedSentence> align_in_batches(const std::vector<ConlluSentence>& sentences, int64_t threads,
                                              size_t batch_size, ArcPieces arc_pieces, RelationVocab& relations) {
  std::vector<AlignedSentence> out;
  ParallelAligner aligner(small_tokenizer(), arc_pieces, threads, 3);
  std::vector<int32_t> map;
  auto consume = [&](AlignBatch& batch) {
    map.clear();
    EXPECT_EQ(batch.aligned.size(), batch.new_document.size());
    for (auto& aligned : batch.aligned) {
      relation_ids_in_order(batch.relations, relations, map, aligned);
      out.push_back(aligned);
    }
  };
  for (size_t begin = 0; begin < sentences.size(); begin += batch_size) {
    auto batch = std::make_unique<AlignBatch>();
    for (size_t i = begin; i < std::min(sentences.size(), begin + batch_size); ++i) {
      batch->sentences.push_back(sentences[i]);
      batch->new_document.push_back(sentences[i].new_document);
      batch->parsed.push_back(1);
    }
    if (aligner.full()) consume(*aligner.next());
    aligner.submit(std::move(batch));
  }
  while (aligner.pending() > 0) consume(*aligner.next());
  return out;
}

TEST(ParallelAligner, SameIdsAndRelationsAsOneSequentialPass) {
  const std::vector<ConlluSentence> sentences = make_sentences(300, 7);
  for (ArcPieces arc_pieces : {ArcPieces::kFirst, ArcPieces::kAll}) {
    RelationVocab want_relations;
    std::vector<AlignedSentence> want(sentences.size());
    for (size_t i = 0; i < sentences.size(); ++i) {
      align_sentence(sentences[i], small_tokenizer(), arc_pieces, want_relations, want[i]);
    }
    for (int64_t threads : {1, 2, 4}) {
      for (size_t batch_size : {size_t(1), size_t(7), size_t(1000)}) {
        SCOPED_TRACE("threads " + std::to_string(threads) + ", batch " + std::to_string(batch_size));
        RelationVocab relations;
        const auto got = align_in_batches(sentences, threads, batch_size, arc_pieces, relations);
        ASSERT_EQ(got.size(), want.size());
        EXPECT_EQ(relations.labels(), want_relations.labels());
        for (size_t i = 0; i < want.size(); ++i) {
          EXPECT_EQ(got[i].ids, want[i].ids) << "sentence " << i;
          EXPECT_EQ(got[i].word_index, want[i].word_index) << "sentence " << i;
          EXPECT_EQ(got[i].heads, want[i].heads) << "sentence " << i;
          EXPECT_EQ(got[i].relations, want[i].relations) << "sentence " << i;
          EXPECT_EQ(got[i].word_starts, want[i].word_starts) << "sentence " << i;
        }
      }
    }
  }
}

TEST(ParallelAligner, AnErrorSurfacesWithItsBatchInOrder) {
  std::vector<ConlluSentence> sentences = make_sentences(40, 3);
  sentences[25].words[0].head = 99;  // not validated: align_sentence's invariant check throws
  for (int64_t threads : {1, 3}) {
    RelationVocab relations;
    int64_t consumed = 0;
    ParallelAligner aligner(small_tokenizer(), ArcPieces::kFirst, threads, 2);
    bool threw = false;
    try {
      for (size_t begin = 0; begin < sentences.size(); begin += 10) {
        auto batch = std::make_unique<AlignBatch>();
        for (size_t i = begin; i < begin + 10; ++i) batch->sentences.push_back(sentences[i]);
        if (aligner.full()) consumed += static_cast<int64_t>(aligner.next()->aligned.size());
        aligner.submit(std::move(batch));
      }
      while (aligner.pending() > 0) consumed += static_cast<int64_t>(aligner.next()->aligned.size());
    } catch (const InternalError&) {
      threw = true;
    }
    EXPECT_TRUE(threw) << threads;
    EXPECT_EQ(consumed, 20) << threads;  // the two batches before the bad one, then the error
  }
}

}  // namespace
}  // namespace sasmlm
