#include "sasmlm/eval/blimp.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>

#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/eval/eval_mode_guard.h"

namespace sasmlm {
namespace {

// Scores sentences `order[begin, end)` (each `[CLS] pieces [SEP]`, at least one piece) in one forward pass:
// one row per masked copy. Adds each sentence's PLL to `pll`.
void score_batch(BertForMaskedLM& model, const std::vector<std::vector<int64_t>>& ids,
                 const std::vector<size_t>& order, size_t begin, size_t end, int32_t pad_id, int32_t mask_id,
                 const torch::Device& device, std::vector<double>& pll) {
  int64_t rows = 0, length = 0;
  for (size_t k = begin; k < end; ++k) {
    const auto n = static_cast<int64_t>(ids[order[k]].size());
    rows += n - 2;
    length = std::max(length, n);
  }
  torch::Tensor input = torch::full({rows, length}, int64_t(pad_id), torch::kInt64);  // (R, T)
  torch::Tensor mask = torch::zeros({rows, length}, torch::kBool);                     // (R, T)
  torch::Tensor positions = torch::empty({rows}, torch::kInt64);                       // (R,) flat r*T+t
  torch::Tensor targets = torch::empty({rows, 1}, torch::kInt64);                      // (R, 1)
  auto in = input.accessor<int64_t, 2>();
  auto real = mask.accessor<bool, 2>();
  auto pos = positions.accessor<int64_t, 1>();
  auto tgt = targets.accessor<int64_t, 2>();
  std::vector<size_t> owner(static_cast<size_t>(rows));  // text index of each row
  bool padded = false;
  int64_t r = 0;
  for (size_t k = begin; k < end; ++k) {
    const std::vector<int64_t>& seq = ids[order[k]];
    const auto n = static_cast<int64_t>(seq.size());
    padded = padded || n < length;
    for (int64_t masked = 1; masked + 1 < n; ++masked, ++r) {
      for (int64_t t = 0; t < n; ++t) {
        in[r][t] = t == masked ? int64_t(mask_id) : seq[size_t(t)];
        real[r][t] = true;
      }
      pos[r] = r * length + masked;
      tgt[r][0] = seq[size_t(masked)];
      owner[size_t(r)] = order[k];
    }
  }
  // Without padding the mask is left undefined so CUDA may take the flash-attention path.
  const torch::Tensor hidden =
      model->encode(input.to(device), padded ? mask.to(device) : torch::Tensor());       // (R, T, H)
  const torch::Tensor logits = model->mlm_logits(hidden, positions.to(device));          // (R, V)
  const torch::Tensor logp = torch::log_softmax(logits.to(torch::kFloat), -1)
                                 .gather(1, targets.to(device))
                                 .squeeze(1)
                                 .to(torch::kCPU, torch::kDouble);                        // (R,)
  const auto lp = logp.accessor<double, 1>();
  for (int64_t row = 0; row < rows; ++row) pll[owner[size_t(row)]] += lp[row];
}

double mean(const std::vector<double>& values) {
  return values.empty() ? 0.0 : std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
}

}  // namespace

std::vector<double> pseudo_log_likelihoods(BertForMaskedLM& model, const Tokenizer& tokenizer,
                                           const std::vector<std::string>& texts, int64_t batch_size,
                                           const torch::Device& device) {
  SASMLM_CHECK(batch_size > 0, "batch_size must be positive");
  const int64_t max_length = model->options().max_position;
  std::vector<double> pll(texts.size(), std::numeric_limits<double>::quiet_NaN());
  std::vector<std::vector<int64_t>> ids(texts.size());
  std::vector<size_t> order;  // texts with at least one piece that fit the model
  for (size_t i = 0; i < texts.size(); ++i) {
    const std::vector<int32_t> pieces = tokenizer.encode_text(texts[i]);
    if (int64_t(pieces.size()) + 2 > max_length) continue;
    pll[i] = 0.0;
    if (pieces.empty()) continue;
    ids[i].reserve(pieces.size() + 2);
    ids[i].push_back(tokenizer.cls_id());
    ids[i].insert(ids[i].end(), pieces.begin(), pieces.end());
    ids[i].push_back(tokenizer.sep_id());
    order.push_back(i);
  }
  // Shortest first: neighbours in a batch have (nearly) equal lengths, so rows carry little padding.
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return ids[a].size() < ids[b].size(); });

  EvalModeGuard eval_mode(model);
  torch::NoGradGuard no_grad;
  size_t begin = 0;
  while (begin < order.size()) {
    size_t end = begin;
    int64_t copies = 0;
    while (end < order.size()) {
      const auto n = static_cast<int64_t>(ids[order[end]].size()) - 2;
      if (copies > 0 && copies + n > batch_size) break;
      copies += n;
      ++end;
    }
    score_batch(model, ids, order, begin, end, tokenizer.pad_id(), tokenizer.mask_id(), device, pll);
    begin = end;
  }
  return pll;
}

BlimpResult evaluate_blimp(BertForMaskedLM& model, const Tokenizer& tokenizer,
                           const std::vector<BlimpParadigm>& paradigms, int64_t batch_size,
                           const torch::Device& device) {
  const auto start = std::chrono::steady_clock::now();
  if (paradigms.empty()) throw UserError("BLiMP: no paradigms to evaluate");
  // Each distinct sentence is scored once (BLiMP repeats some good sentences across pairs).
  std::vector<std::string> texts;
  std::unordered_map<std::string, size_t> index_of;
  std::vector<std::vector<std::pair<size_t, size_t>>> pair_texts(paradigms.size());
  auto text_index = [&](const std::string& text) {
    const auto [it, inserted] = index_of.emplace(text, texts.size());
    if (inserted) texts.push_back(text);
    return it->second;
  };
  for (size_t p = 0; p < paradigms.size(); ++p) {
    if (paradigms[p].pairs.empty()) throw UserError("BLiMP paradigm " + paradigms[p].name + " has no pairs");
    for (const BlimpPair& pair : paradigms[p].pairs) {
      pair_texts[p].emplace_back(text_index(pair.good), text_index(pair.bad));
    }
  }
  const std::vector<double> pll = pseudo_log_likelihoods(model, tokenizer, texts, batch_size, device);

  BlimpResult result;
  std::vector<double> accuracies;
  std::map<std::string, std::vector<double>> by_field, by_phenomenon;
  for (size_t p = 0; p < paradigms.size(); ++p) {
    int64_t correct = 0;
    for (const auto& [good, bad] : pair_texts[p]) {
      if (std::isnan(pll[good]) || std::isnan(pll[bad])) {
        ++result.skipped;
        continue;
      }
      if (pll[good] > pll[bad]) ++correct;
    }
    const double accuracy = double(correct) / double(pair_texts[p].size());
    if (!result.per_paradigm.emplace(paradigms[p].name, accuracy).second) {
      throw UserError("BLiMP paradigm " + paradigms[p].name + " is given twice");
    }
    accuracies.push_back(accuracy);
    by_field[paradigms[p].field].push_back(accuracy);
    by_phenomenon[paradigms[p].phenomenon].push_back(accuracy);
    result.pairs += int64_t(pair_texts[p].size());
  }
  result.overall = mean(accuracies);
  for (const auto& [field, values] : by_field) result.per_field[field] = mean(values);
  for (const auto& [phenomenon, values] : by_phenomenon) result.per_phenomenon[phenomenon] = mean(values);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (result.skipped > 0) {
    log_warn("BLiMP: ", result.skipped, " pairs have a sentence longer than the model's ",
             model->options().max_position, " positions; counted as wrong");
  }
  return result;
}

nlohmann::json blimp_to_json(const BlimpResult& result) {
  nlohmann::json out;
  out["overall"] = result.overall;
  out["per_paradigm"] = result.per_paradigm;
  out["per_field"] = result.per_field;
  out["per_phenomenon"] = result.per_phenomenon;
  out["pairs"] = result.pairs;
  out["skipped"] = result.skipped;
  return out;
}

}  // namespace sasmlm
