#include "sasmlm/eval/uas.h"

#include <algorithm>
#include <numeric>

#include "sasmlm/core/error.h"
#include "sasmlm/eval/eval_mode_guard.h"
#include "sasmlm/eval/word_attention.h"

namespace sasmlm {
namespace {

// Reduces each layer's probabilities to predicted heads as soon as the layer hands them over, so no layer's
// (B, H, T, T) tensor outlives its layer.
class ParseObserver : public AttentionObserver {
 public:
  ParseObserver(torch::Tensor piece_word, torch::Tensor num_words, int64_t layers)
      : piece_word_(std::move(piece_word)), num_words_(std::move(num_words)), predicted_(size_t(layers)) {}

  bool wants_layer(int64_t) const override { return true; }
  bool post_dropout() const override { return false; }
  void observe(int64_t layer, const torch::Tensor& probs) override {
    const torch::Tensor maps = word_level_attention(probs.to(torch::kFloat32), piece_word_, num_words_);
    predicted_[size_t(layer)] = predict_heads(maps, num_words_).to(torch::kCPU);  // (B, H, 2, N)
  }

  // (B, L, H, 2, N)
  torch::Tensor predicted() const { return torch::stack(predicted_, 1); }

 private:
  torch::Tensor piece_word_;  // (B, T)
  torch::Tensor num_words_;   // (B,)
  std::vector<torch::Tensor> predicted_;
};

}  // namespace

UasCorpus read_uas_corpus(const std::string& path, const Tokenizer& tokenizer, int64_t max_sentences) {
  UasCorpus corpus;
  corpus.path = path;
  ConlluReader reader(path);
  ConlluSentence sentence;
  std::vector<int32_t> pieces_per_word;
  while ((max_sentences <= 0 || int64_t(corpus.sentences.size()) < max_sentences) && reader.next(sentence)) {
    std::vector<int32_t> ids{tokenizer.cls_id()};
    pieces_per_word.clear();
    for (const ConlluWord& word : sentence.words) {
      pieces_per_word.push_back(tokenizer.encode_word_into(word.form, ids));
    }
    ids.push_back(tokenizer.sep_id());
    corpus.piece_word.push_back(piece_word_map(pieces_per_word));
    corpus.ids.push_back(std::move(ids));
    corpus.sentences.push_back(sentence);
  }
  return corpus;
}

UasResult evaluate_uas(BertForMaskedLM& model, const UasCorpus& corpus, int64_t batch_size,
                       const torch::Device& device) {
  SASMLM_CHECK(batch_size > 0, "UAS batch size must be positive");
  EvalModeGuard eval_mode(model);
  torch::NoGradGuard no_grad;
  const int64_t layers = model->options().layers;
  UasScorer scorer(layers, model->options().heads);

  // Sentences that fit, shortest first (ties in file order); equal lengths share batches.
  std::vector<size_t> order;
  for (size_t s = 0; s < corpus.ids.size(); ++s) {
    if (int64_t(corpus.ids[s].size()) > model->options().max_position) {
      scorer.add_skipped();
    } else {
      order.push_back(s);
    }
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return corpus.ids[a].size() < corpus.ids[b].size(); });

  for (size_t start = 0; start < order.size();) {
    const size_t length = corpus.ids[order[start]].size();
    size_t end = start;
    while (end < order.size() && int64_t(end - start) < batch_size && corpus.ids[order[end]].size() == length) ++end;
    const int64_t rows = int64_t(end - start);
    const int64_t cols = int64_t(length);
    torch::Tensor ids = torch::empty({rows, cols}, torch::kInt64);         // (B, T)
    torch::Tensor piece_word = torch::empty({rows, cols}, torch::kInt64);  // (B, T)
    torch::Tensor num_words = torch::empty({rows}, torch::kInt64);         // (B,)
    for (int64_t b = 0; b < rows; ++b) {
      const size_t s = order[start + size_t(b)];
      std::copy(corpus.ids[s].begin(), corpus.ids[s].end(), ids[b].data_ptr<int64_t>());
      std::copy(corpus.piece_word[s].begin(), corpus.piece_word[s].end(), piece_word[b].data_ptr<int64_t>());
      num_words[b] = int64_t(corpus.sentences[s].words.size());
    }
    ParseObserver observer(piece_word.to(device), num_words.to(device), layers);
    // No padding in the batch: the attention mask is left undefined (every token real).
    model->encode(ids.to(device), torch::Tensor(), &observer);
    const torch::Tensor predicted = observer.predicted();  // (B, L, H, 2, N)
    for (int64_t b = 0; b < rows; ++b) {
      const ConlluSentence& sentence = corpus.sentences[order[start + size_t(b)]];
      scorer.add(sentence, predicted[b].slice(-1, 0, int64_t(sentence.words.size())));
    }
    start = end;
  }
  return scorer.result();
}

}  // namespace sasmlm
