// Helpers shared by the model tests: small configurations, random batches, a recording observer.
#pragma once

#include "sasmlm/model/attention_observer.h"
#include "sasmlm/model/bert_options.h"

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <set>
#include <vector>

namespace sasmlm::test {

// A very small model: fast enough for finite differences.
inline BertOptions micro_options(int64_t vocab = 23) {
  BertOptions o;
  o.vocab_size = vocab;
  o.layers = 2;
  o.hidden = 16;
  o.heads = 2;
  o.intermediate = 24;
  o.max_position = 16;
  o.type_vocab = 2;
  o.dropout = 0.0;
  o.attention_dropout = 0.0;
  return o;
}

// (B, T) bool mask with lengths[b] leading real tokens per row.
inline torch::Tensor mask_from_lengths(const std::vector<int64_t>& lengths, int64_t length) {
  auto mask = torch::zeros({static_cast<int64_t>(lengths.size()), length}, torch::kBool);
  for (size_t b = 0; b < lengths.size(); ++b) mask[static_cast<int64_t>(b)].narrow(0, 0, lengths[b]).fill_(true);
  return mask;
}

// Random ids in [1, vocab) at real positions, 0 ([PAD]) at padding.
inline torch::Tensor random_ids(const torch::Tensor& mask, int64_t vocab) {
  auto ids = torch::randint(1, vocab, mask.sizes(), torch::kInt64);
  return ids.masked_fill(mask.logical_not(), 0);
}

// Keeps every observed probability tensor, per layer.
class RecordingObserver : public AttentionObserver {
 public:
  RecordingObserver(std::set<int64_t> layers, bool post_dropout) : layers_(std::move(layers)), post_(post_dropout) {}
  bool wants_layer(int64_t layer) const override { return layers_.count(layer) > 0; }
  bool post_dropout() const override { return post_; }
  void observe(int64_t layer, const torch::Tensor& probs) override { seen[layer] = probs; }

  std::map<int64_t, torch::Tensor> seen;

 private:
  std::set<int64_t> layers_;
  bool post_;
};

inline double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).abs().max().item<double>();
}

}  // namespace sasmlm::test
