#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "eval_test_util.h"
#include "sasmlm/core/error.h"
#include "sasmlm/eval/blimp.h"
#include "test_util.h"

namespace sasmlm {
namespace {

const torch::Device kCpu(torch::kCPU);

// Every weight zero: hidden states are 0 everywhere, so the logits at any position are the MLM output bias and
// log p(token) = log_softmax(bias)[token] whatever the input. PLL is then a sum computable by hand.
BertForMaskedLM bias_only_model(const torch::Tensor& bias, int64_t max_position = 32) {
  BertForMaskedLM model(test::small_options(bias.size(0), 16, max_position));
  torch::NoGradGuard no_grad;
  for (torch::Tensor& p : model->parameters()) p.zero_();
  model->cls->predictions->bias.copy_(bias);
  return model;
}

// Sylvester Hadamard matrix of size n (a power of two): rows 1..n-1 have as many +1 as -1 entries.
torch::Tensor hadamard(int64_t n) {
  torch::Tensor h = torch::ones({1, 1}, torch::kFloat);
  while (h.size(0) < n) h = torch::cat({torch::cat({h, h}, 1), torch::cat({h, -h}, 1)}, 0);
  return h;
}

// A "copy" model: token t embeds as Hadamard row t+1 (mean 0, variance 1, so every LayerNorm leaves it as it is),
// every Linear is zero except the MLM transform (identity), position/type embeddings are zero. Each layer then
// passes its input through, GELU+LayerNorm in the head maps the ±1 row back onto itself, and the tied decoder
// gives logits = kCopyHidden * onehot(input token at that position) + bias. The model thus predicts whatever token
// it sees at the scored position: if that position were not replaced by [MASK], every piece would get
// log p ~ 0; masked, it gets bias[t] - logsumexp(bias + kCopyHidden * onehot(mask)).
constexpr int64_t kCopyHidden = 128;
BertForMaskedLM copy_model(const torch::Tensor& bias) {
  const int64_t vocab = bias.size(0);
  BertForMaskedLM model(test::small_options(vocab, kCopyHidden, 32));
  torch::NoGradGuard no_grad;
  for (torch::Tensor& p : model->parameters()) p.zero_();
  for (const auto& module : model->modules(/*include_self=*/false)) {
    if (auto* norm = module->as<torch::nn::LayerNorm>()) norm->weight.fill_(1.0);
  }
  model->bert->embeddings->word_embeddings->weight.copy_(hadamard(kCopyHidden).narrow(0, 1, vocab));
  model->cls->predictions->transform->dense->weight.copy_(torch::eye(kCopyHidden));
  model->cls->predictions->bias.copy_(bias);
  return model;
}

double hand_pll(const std::string& text, const torch::Tensor& log_probs) {
  double sum = 0;
  for (int32_t id : test::toy_tokenizer().encode_text(text)) sum += log_probs[id].item<double>();
  return sum;
}

TEST(Blimp, PllOfBiasOnlyModelMatchesHandComputation) {
  const Tokenizer& tokenizer = test::toy_tokenizer();
  torch::manual_seed(3);
  const torch::Tensor bias = torch::randn({tokenizer.vocab_size()});
  BertForMaskedLM model = bias_only_model(bias);
  const torch::Tensor log_probs = torch::log_softmax(bias.to(torch::kDouble), 0);
  std::string too_long;
  for (int i = 0; i < 31; ++i) too_long += "dog ";  // 31 pieces + [CLS] + [SEP] > 32 positions
  const std::vector<std::string> texts = {"the dog runs", "a big cat sleeps every tree", "dog", too_long, "sees."};
  const std::vector<double> pll = pseudo_log_likelihoods(model, tokenizer, texts, 4, kCpu);
  ASSERT_EQ(pll.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    if (i == 3) {
      EXPECT_TRUE(std::isnan(pll[i])) << "a sentence longer than the positions cannot be scored";
      continue;
    }
    EXPECT_NEAR(pll[i], hand_pll(texts[i], log_probs), 1e-4) << texts[i];
  }
}

TEST(Blimp, ScoredPositionIsMasked) {
  const Tokenizer& tokenizer = test::toy_tokenizer();
  ASSERT_LT(tokenizer.vocab_size(), kCopyHidden);
  torch::manual_seed(4);
  const torch::Tensor bias = torch::randn({tokenizer.vocab_size()}).to(torch::kDouble);
  BertForMaskedLM model = copy_model(bias.to(torch::kFloat));
  const torch::Tensor at_mask = bias.clone();
  at_mask[tokenizer.mask_id()] += double(kCopyHidden);
  const torch::Tensor log_probs = bias - torch::logsumexp(at_mask, 0);  // log p(t | [MASK] at the position)
  const std::vector<std::string> texts = {"the dog runs", "every small man sees a tree"};
  const std::vector<double> pll = pseudo_log_likelihoods(model, tokenizer, texts, 100, kCpu);
  for (size_t i = 0; i < texts.size(); ++i) {
    const double expected = hand_pll(texts[i], log_probs);
    EXPECT_LT(expected, -100.0);  // far from the ~0 an unmasked copy model would score
    EXPECT_NEAR(pll[i], expected, 1e-3 * std::abs(expected)) << texts[i];
  }
}

TEST(Blimp, BatchingDoesNotChangeScoresAndModeIsRestored) {
  const Tokenizer& tokenizer = test::toy_tokenizer();
  torch::manual_seed(5);
  BertForMaskedLM model(test::small_options(tokenizer.vocab_size()));  // dropout 0.1: eval mode must be used
  Rng rng(9);
  std::vector<std::string> texts;
  for (int i = 0; i < 30; ++i) {
    std::string text;
    for (uint64_t w = 0, n = 1 + rng.below(12); w < n; ++w) {
      text += test::toy_words()[rng.below(test::toy_words().size())] + " ";
    }
    texts.push_back(text + ".");
  }
  model->train();
  const std::vector<double> reference = pseudo_log_likelihoods(model, tokenizer, texts, 1, kCpu);
  EXPECT_TRUE(model->is_training());
  for (int64_t batch_size : {5, 17, 100000}) {
    const std::vector<double> pll = pseudo_log_likelihoods(model, tokenizer, texts, batch_size, kCpu);
    ASSERT_EQ(pll.size(), reference.size());
    for (size_t i = 0; i < pll.size(); ++i) {
      EXPECT_NEAR(pll[i], reference[i], 1e-4) << "batch_size " << batch_size << ": " << texts[i];
    }
  }
  model->eval();
  pseudo_log_likelihoods(model, tokenizer, texts, 8, kCpu);
  EXPECT_FALSE(model->is_training());
}

TEST(Blimp, AccuracyAggregatesParadigmsFieldsAndPhenomena) {
  const Tokenizer& tokenizer = test::toy_tokenizer();
  const std::vector<int32_t> dog = tokenizer.encode_word("dog"), cat = tokenizer.encode_word("cat");
  ASSERT_EQ(dog.size(), 1u);
  ASSERT_EQ(cat.size(), 1u);
  // The model prefers "dog" to "cat" wherever it stands, so a pair differing in that word is decided by it.
  torch::Tensor bias = torch::zeros({tokenizer.vocab_size()});
  bias[dog[0]] = 2.0;
  bias[cat[0]] = -2.0;
  BertForMaskedLM model = bias_only_model(bias);
  std::string too_long;
  for (int i = 0; i < 40; ++i) too_long += "tree ";

  std::vector<BlimpParadigm> paradigms = {
      {"alpha", "f1", "p", {{"the dog runs", "the cat runs"}, {"a big dog sleeps", "a big cat sleeps"}}},
      {"beta",
       "f2",
       "p",
       {{"the cat runs", "the dog runs"},       // wrong
        {"the dog runs", "the dog runs"},       // tie: wrong
        {"a dog sleeps", "a cat sleeps"},       // right
        {"every cat sees", "every dog sees"}}},  // wrong
      {"gamma", "f1", "q", {{too_long, "the cat runs"}}},  // cannot be scored: wrong, skipped
  };
  const BlimpResult result = evaluate_blimp(model, tokenizer, paradigms, 16, kCpu);
  EXPECT_DOUBLE_EQ(result.per_paradigm.at("alpha"), 1.0);
  EXPECT_DOUBLE_EQ(result.per_paradigm.at("beta"), 0.25);
  EXPECT_DOUBLE_EQ(result.per_paradigm.at("gamma"), 0.0);
  EXPECT_DOUBLE_EQ(result.overall, 1.25 / 3.0);  // mean of paradigms, not of pairs (3/7)
  EXPECT_DOUBLE_EQ(result.per_field.at("f1"), 0.5);
  EXPECT_DOUBLE_EQ(result.per_field.at("f2"), 0.25);
  EXPECT_DOUBLE_EQ(result.per_phenomenon.at("p"), 0.625);
  EXPECT_DOUBLE_EQ(result.per_phenomenon.at("q"), 0.0);
  EXPECT_EQ(result.pairs, 7);
  EXPECT_EQ(result.skipped, 1);

  const nlohmann::json json = blimp_to_json(result);
  EXPECT_DOUBLE_EQ(json.at("overall").get<double>(), result.overall);
  EXPECT_DOUBLE_EQ(json.at("per_paradigm").at("beta").get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(json.at("per_field").at("f2").get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(json.at("per_phenomenon").at("p").get<double>(), 0.625);
  EXPECT_EQ(json.at("pairs").get<int64_t>(), 7);

  // The batch size changes nothing.
  EXPECT_EQ(evaluate_blimp(model, tokenizer, paradigms, 1, kCpu).per_paradigm, result.per_paradigm);

  paradigms.push_back(paradigms[0]);
  EXPECT_THROW(evaluate_blimp(model, tokenizer, paradigms, 16, kCpu), UserError);  // "alpha" twice
  EXPECT_THROW(evaluate_blimp(model, tokenizer, {}, 16, kCpu), UserError);
  EXPECT_THROW(evaluate_blimp(model, tokenizer, {{"empty", "f", "p", {}}}, 16, kCpu), UserError);
}

TEST(Blimp, RealBlimpSubsetWithRandomModel) {
  SASMLM_REQUIRE_SHARED(dir, "blimp");
  const Tokenizer& tokenizer = test::toy_tokenizer();
  torch::manual_seed(6);
  BertForMaskedLM model(test::small_options(tokenizer.vocab_size(), 32, 512));
  const std::vector<BlimpParadigm> paradigms = read_blimp_dir(dir.string(), 1);
  const BlimpResult result = evaluate_blimp(model, tokenizer, paradigms, 256, kCpu);
  EXPECT_EQ(result.pairs, 67);
  EXPECT_EQ(result.skipped, 0);
  EXPECT_EQ(result.per_paradigm.size(), 67u);
  EXPECT_EQ(result.per_field.size(), 5u);
  EXPECT_GE(result.overall, 0.0);
  EXPECT_LE(result.overall, 1.0);
}

}  // namespace
}  // namespace sasmlm
