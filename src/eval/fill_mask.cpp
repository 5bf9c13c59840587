#include "sasmlm/eval/fill_mask.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "sasmlm/core/error.h"
#include "sasmlm/eval/eval_mode_guard.h"

namespace sasmlm {
namespace {

// The token of `id`, or "" for ids past the tokenizer's vocabulary (a model vocabulary padded beyond it).
std::string token_of(const Tokenizer& tokenizer, int32_t id) {
  return id >= 0 && id < tokenizer.vocab_size() ? tokenizer.piece(id) : "";
}

// `text` padded with spaces to `width` characters (code points, so "▁the" lines up with "the").
std::string pad_right(const std::string& text, size_t width) {
  size_t chars = 0;
  for (const char c : text) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return chars >= width ? text : text + std::string(width - chars, ' ');
}

}  // namespace

std::vector<int32_t> fill_mask_ids_from_text(const Tokenizer& tokenizer, const std::string& text) {
  std::vector<int32_t> ids = {tokenizer.cls_id()};
  for (const int32_t id : tokenizer.encode_text(text)) ids.push_back(id);
  ids.push_back(tokenizer.sep_id());
  return ids;
}

std::vector<int32_t> parse_id_list(const std::string& text) {
  std::vector<int32_t> ids;
  std::istringstream in(text);
  std::string item;
  while (in >> item) {
    size_t used = 0;
    long long value = 0;
    try {
      value = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || value < INT32_MIN || value > INT32_MAX) {
      throw UserError("--ids: expected whitespace-separated integer token ids, found '" + item + "'");
    }
    ids.push_back(int32_t(value));
  }
  if (ids.empty()) throw UserError("--ids: no token ids given");
  return ids;
}

FillMaskResult fill_mask(BertForMaskedLM& model, const Tokenizer& tokenizer, const std::vector<int32_t>& ids,
                         int64_t top_k) {
  const BertOptions& options = model->options();
  if (top_k < 1) throw UserError("--top-k: expected a positive count, found " + std::to_string(top_k));
  if (ids.empty()) throw UserError("fill-mask: the input has no tokens");
  if (int64_t(ids.size()) > options.max_position) {
    throw UserError("fill-mask: the input has " + std::to_string(ids.size()) + " tokens, more than the model's " +
                    std::to_string(options.max_position) + " positions");
  }
  FillMaskResult result;
  result.input_ids = ids;
  std::vector<int64_t> mask_positions;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 0 || ids[i] >= options.vocab_size) {
      throw UserError("fill-mask: token id " + std::to_string(ids[i]) + " at position " + std::to_string(i) +
                      " is outside the model's vocabulary (0.." + std::to_string(options.vocab_size - 1) + ")");
    }
    if (ids[i] == tokenizer.mask_id()) mask_positions.push_back(int64_t(i));
  }
  if (mask_positions.empty()) {
    throw UserError("fill-mask: the input has no [MASK] (id " + std::to_string(tokenizer.mask_id()) +
                    "); hint: write [MASK] in the text, or its id in --ids");
  }

  {
    EvalModeGuard eval_mode(model);  // dropout off; the caller's mode comes back also when this throws
    torch::NoGradGuard no_grad;
    const auto device = model->parameters().front().device();
    const auto input = torch::tensor(std::vector<int64_t>(ids.begin(), ids.end()), torch::kInt64)
                           .unsqueeze(0)
                           .to(device);                                   // (1, T)
    const auto hidden = model->encode(input, torch::Tensor());           // (1, T, H); no padding
    const auto all = torch::arange(int64_t(ids.size()), torch::TensorOptions().dtype(torch::kInt64).device(device));
    result.logits = model->mlm_logits(hidden, all).to(torch::kCPU, torch::kFloat32).contiguous();  // (T, V)
  }

  const int64_t k = std::min<int64_t>(top_k, options.vocab_size);
  const auto positions = torch::tensor(mask_positions, torch::kInt64);
  const auto logprobs = torch::log_softmax(result.logits.index_select(0, positions).to(torch::kFloat64), -1);  // (M, V)
  const auto [values, indices] = logprobs.topk(k, -1);                // (M, k) each, best first
  for (size_t m = 0; m < mask_positions.size(); ++m) {
    MaskPrediction p;
    p.position = mask_positions[m];
    for (int64_t j = 0; j < k; ++j) {
      p.ids.push_back(int32_t(indices[int64_t(m)][j].item<int64_t>()));
      p.logprobs.push_back(values[int64_t(m)][j].item<double>());
    }
    result.masks.push_back(std::move(p));
  }
  return result;
}

nlohmann::ordered_json fill_mask_json(const FillMaskResult& result, const Tokenizer& tokenizer) {
  nlohmann::ordered_json masks = nlohmann::ordered_json::array();
  for (const auto& m : result.masks) {
    nlohmann::ordered_json top = nlohmann::ordered_json::array();
    for (size_t j = 0; j < m.ids.size(); ++j) {
      top.push_back({{"id", m.ids[j]}, {"token", token_of(tokenizer, m.ids[j])}, {"logprob", m.logprobs[j]}});
    }
    masks.push_back({{"position", m.position}, {"top", top}});
  }
  return {{"masks", masks}};
}

std::string fill_mask_table(const FillMaskResult& result, const Tokenizer& tokenizer) {
  std::ostringstream out;
  out << "input:";
  for (const int32_t id : result.input_ids) out << ' ' << token_of(tokenizer, id);
  out << "\n";
  char line[256];
  for (const auto& m : result.masks) {
    out << "\n[MASK] at position " << m.position << ":\n";
    std::snprintf(line, sizeof line, "  %4s  %8s  ", "rank", "id");
    out << line << pad_right("token", 20);
    std::snprintf(line, sizeof line, "  %10s  %8s\n", "logprob", "prob");
    out << line;
    for (size_t j = 0; j < m.ids.size(); ++j) {
      std::snprintf(line, sizeof line, "  %4zu  %8d  ", j + 1, m.ids[j]);
      out << line << pad_right(token_of(tokenizer, m.ids[j]), 20);
      std::snprintf(line, sizeof line, "  %10.4f  %8.4f\n", m.logprobs[j], std::exp(m.logprobs[j]));
      out << line;
    }
  }
  return out.str();
}

}  // namespace sasmlm
