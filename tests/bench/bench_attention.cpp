// Attention-path benchmark (not a test): forward + backward time of the fast path (scaled_dot_product_attention,
// no probabilities) against the probability path with an observer that wants every layer (as the SAS regularizer
// and the UAS probe do), at the mini and small presets; then the parameter count of every preset.
//   bench_attention [--batch B] [--length T] [--iterations N] [--vocab V] [--threads N]
// Defaults: batch 8 x 128, 5 timed iterations after one warm-up, vocabulary 30522 (BERT's), torch's threads.
#include <chrono>
#include <cstring>
#include <iostream>
#include <string>

#include "sasmlm/model/bert.h"
#include "sasmlm/model/mlm_loss.h"

using namespace sasmlm;

namespace {

// Reduces each layer's probabilities the way the SAS regularizer does: every token's probability on one key (its
// "head"), so backward flows through the full (B, H, T, T) tensor of every layer.
class GatheringObserver : public AttentionObserver {
 public:
  explicit GatheringObserver(torch::Tensor heads) : heads_(std::move(heads)) {}
  bool wants_layer(int64_t) const override { return true; }
  bool post_dropout() const override { return true; }
  void observe(int64_t, const torch::Tensor& probs) override {
    const auto index = heads_.unsqueeze(1).unsqueeze(-1).expand({probs.size(0), probs.size(1), probs.size(2), 1});
    const auto picked = probs.gather(-1, index).sum();  // (B, H, T, 1) summed
    total = total.defined() ? total + picked : picked;
  }
  torch::Tensor total;

 private:
  torch::Tensor heads_;  // (B, T) int64
};

struct Inputs {
  torch::Tensor ids, positions, labels, heads;
};

// Mean seconds of one forward + backward over `iterations`, after one untimed warm-up step.
double seconds_per_step(BertForMaskedLM& model, const Inputs& in, bool probability_path, int iterations) {
  double total = 0.0;
  for (int i = 0; i <= iterations; ++i) {
    const auto start = std::chrono::steady_clock::now();
    model->zero_grad();
    GatheringObserver observer(in.heads);
    // No padding in the batch: an undefined mask lets the fast path take the fused kernel.
    const auto hidden = model->encode(in.ids, torch::Tensor(), probability_path ? &observer : nullptr);
    auto loss = mlm_loss_sum(model->mlm_logits(hidden, in.positions), in.labels);
    if (probability_path) loss = loss + 1e-3 * observer.total;
    loss.backward();
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (i > 0) total += elapsed;
  }
  return total / iterations;
}

int64_t flag(int argc, char** argv, const char* name, int64_t fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::stoll(argv[i + 1]);
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t batch = flag(argc, argv, "--batch", 8);
  const int64_t length = flag(argc, argv, "--length", 128);
  const int iterations = int(flag(argc, argv, "--iterations", 5));
  const int64_t vocab = flag(argc, argv, "--vocab", 30522);
  const int64_t threads = flag(argc, argv, "--threads", 0);
  if (threads > 0) torch::set_num_threads(int(threads));
  std::cout << "CPU, " << torch::get_num_threads() << " threads, batch " << batch << " x " << length << ", vocab "
            << vocab << ", training mode (dropout 0.1), 15% of positions through the MLM head, mean of "
            << iterations << " steps\n";
  torch::manual_seed(5);
  Inputs in;
  in.ids = torch::randint(5, vocab, {batch, length}, torch::kInt64);                              // (B, T)
  in.positions = torch::randperm(batch * length, torch::kInt64).narrow(0, 0, batch * length * 15 / 100);  // (M,)
  in.labels = torch::randint(5, vocab, {in.positions.size(0)}, torch::kInt64);                    // (M,)
  in.heads = torch::randint(0, length, {batch, length}, torch::kInt64);                           // (B, T)
  for (const char* preset : {"mini", "small"}) {
    ModelConfig config;
    config.preset = preset;
    BertForMaskedLM model(bert_options_from(config, vocab));
    model->train();
    const double fast = seconds_per_step(model, in, false, iterations);
    const double probs = seconds_per_step(model, in, true, iterations);
    std::cout << preset << ": fast path " << fast * 1e3 << " ms/step, probability path (all layers) " << probs * 1e3
              << " ms/step, ratio " << probs / fast << "\n";
  }
  std::cout << "parameters (vocab " << vocab << "):\n";
  for (const auto& preset : bert_presets()) {
    ModelConfig config;
    config.preset = preset.name;
    BertForMaskedLM model(bert_options_from(config, vocab));
    std::cout << "  " << preset.name << " (L" << preset.layers << "/H" << preset.hidden << "): "
              << count_parameters(*model) << "\n";
  }
  return 0;
}
