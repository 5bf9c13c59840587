#include "sasmlm/eval/uas_scorer.h"

#include <algorithm>

#include "sasmlm/core/error.h"

namespace sasmlm {
namespace {

bool excluded_relation(const std::string& deprel) { return deprel == "root" || deprel == "punct"; }

double share(int64_t correct, int64_t total) { return total > 0 ? double(correct) / double(total) : 0.0; }

// Index of the first maximum: ties go to the earliest entry (layer, head, direction order; k ascending).
size_t first_max(const std::vector<int64_t>& values) {
  size_t best = 0;
  for (size_t i = 1; i < values.size(); ++i) {
    if (values[i] > values[best]) best = i;
  }
  return best;
}

}  // namespace

const std::vector<int64_t>& uas_offsets() {
  static const std::vector<int64_t> offsets{-3, -2, -1, 0, 1, 2};
  return offsets;
}

UasScorer::UasScorer(int64_t layers, int64_t heads) : layers_(layers), heads_(heads) {
  SASMLM_CHECK(layers > 0 && heads > 0, "UasScorer needs at least one layer and head");
  all_ = make_counts();
}

UasScorer::Counts UasScorer::make_counts() const {
  Counts c;
  c.correct.assign(size_t(layers_ * heads_ * kNumArcDirections), 0);
  c.offset_correct.assign(uas_offsets().size(), 0);
  return c;
}

UasScorer::Counts& UasScorer::relation(const std::string& deprel) {
  auto it = relations_.find(deprel);
  if (it == relations_.end()) it = relations_.emplace(deprel, make_counts()).first;
  return it->second;
}

UasHead UasScorer::unpack(int64_t index) const {
  UasHead h;
  h.direction = ArcDirection(index % kNumArcDirections);
  h.head = (index / kNumArcDirections) % heads_;
  h.layer = index / (kNumArcDirections * heads_);
  return h;
}

void UasScorer::add(const ConlluSentence& sentence, const torch::Tensor& predicted) {
  const int64_t n = int64_t(sentence.words.size());
  SASMLM_CHECK(predicted.dim() == 4 && predicted.size(0) == layers_ && predicted.size(1) == heads_ &&
                   predicted.size(2) == kNumArcDirections && predicted.size(3) == n,
               "predicted heads must be (L, H, 2, n) for the scorer's model and the sentence's words");
  const torch::Tensor cpu = predicted.to(torch::kCPU, torch::kInt64).contiguous();
  const int64_t* pred = cpu.data_ptr<int64_t>();  // [(l * H + h) * 2 + d][word]
  const int64_t choices = layers_ * heads_ * kNumArcDirections;
  const auto& offsets = uas_offsets();
  for (int64_t i = 0; i < n; ++i) {
    const ConlluWord& word = sentence.words[size_t(i)];
    const int64_t gold = word.head;
    Counts* groups[2] = {&all_, &relation(word.deprel)};
    for (Counts* c : groups) {
      ++c->words;
      for (int64_t k = 0; k < choices; ++k) c->correct[size_t(k)] += pred[k * n + i] == gold;
      for (size_t o = 0; o < offsets.size(); ++o) {
        const int64_t guess = std::clamp(int64_t(word.id) + offsets[o], int64_t(0), n);
        c->offset_correct[o] += guess == gold;
      }
    }
  }
  ++sentences_;
}

UasResult UasScorer::result() const {
  UasResult r;
  r.words_scored = all_.words;
  r.sentences_scored = sentences_;
  r.sentences_skipped = sentences_skipped_;
  const size_t best = first_max(all_.correct);
  r.best_head = unpack(int64_t(best));
  r.uas = share(all_.correct[best], all_.words);
  const size_t best_offset = first_max(all_.offset_correct);
  r.best_offset = uas_offsets()[best_offset];
  r.offset_baseline = share(all_.offset_correct[best_offset], all_.words);

  int64_t pooled_words = 0, pooled_correct = 0, pooled_offset_correct = 0;
  for (const auto& [deprel, c] : relations_) {
    if (excluded_relation(deprel)) continue;
    RelationUas rel;
    const size_t b = first_max(c.correct);
    const size_t o = first_max(c.offset_correct);
    rel.best = unpack(int64_t(b));
    rel.uas = share(c.correct[b], c.words);
    rel.count = c.words;
    rel.offset = uas_offsets()[o];
    rel.offset_uas = share(c.offset_correct[o], c.words);
    r.per_relation[deprel] = rel;
    pooled_words += c.words;
    pooled_correct += c.correct[b];
    pooled_offset_correct += c.offset_correct[o];
  }
  r.uas_pooled = share(pooled_correct, pooled_words);
  r.offset_baseline_pooled = share(pooled_offset_correct, pooled_words);
  return r;
}

void score_word_maps(UasScorer& scorer, const ConlluSentence& sentence, const torch::Tensor& maps) {
  SASMLM_CHECK(maps.dim() == 4, "maps must be (L, H, n, n)");
  // The layers stand in for the batch dimension of predict_heads: every slice has the sentence's n words.
  const torch::Tensor words = torch::full({maps.size(0)}, maps.size(2), torch::kInt64);
  scorer.add(sentence, predict_heads(maps.to(torch::kCPU), words));
}

nlohmann::json uas_to_json(const UasResult& r) {
  nlohmann::json per_relation = nlohmann::json::object();
  for (const auto& [deprel, rel] : r.per_relation) {
    per_relation[deprel] = {{"uas", rel.uas},
                            {"layer", rel.best.layer},
                            {"head", rel.best.head},
                            {"direction", arc_direction_name(rel.best.direction)},
                            {"count", rel.count},
                            {"offset", rel.offset},
                            {"offset_uas", rel.offset_uas}};
  }
  return {{"uas", r.uas},
          {"offset_baseline", r.offset_baseline},
          {"uas_best_head",
           {{"layer", r.best_head.layer},
            {"head", r.best_head.head},
            {"direction", arc_direction_name(r.best_head.direction)},
            {"uas", r.uas}}},
          {"uas_pooled", r.uas_pooled},
          {"offset_baseline_pooled", r.offset_baseline_pooled},
          {"uas_per_relation", per_relation},
          {"words_scored", r.words_scored},
          {"sentences_skipped", r.sentences_skipped}};
}

}  // namespace sasmlm
