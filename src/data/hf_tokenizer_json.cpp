#include "sasmlm/data/hf_tokenizer_json.h"

#include <nlohmann/json.hpp>

#include <vector>

#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"

namespace sasmlm {
namespace {

[[noreturn]] void unsupported(const std::string& what, const std::string& field, const std::string& found,
                              const std::string& expected) {
  throw UserError(cat(what, ": ", field, " is ", found, ", expected ", expected,
                      " (sasmlm reads BERT WordPiece tokenizer.json files; hint: give tokenizer.path the vocab.txt)"));
}

}  // namespace

HfWordPieceVocab parse_hf_tokenizer_json(const std::string& json_text, const std::string& what) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {
    throw UserError(cat(what, ": not valid JSON (", e.what(), ")"));
  }
  if (!j.is_object() || !j.contains("model") || !j["model"].is_object()) {
    throw UserError(cat(what, ": no \"model\" object (not a Hugging Face tokenizer.json)"));
  }
  const nlohmann::json& model = j["model"];
  const std::string type = model.value("type", std::string("?"));
  if (type != "WordPiece") unsupported(what, "model.type", "'" + type + "'", "'WordPiece'");
  if (model.value("continuing_subword_prefix", std::string("##")) != "##") {
    unsupported(what, "model.continuing_subword_prefix", model["continuing_subword_prefix"].dump(), "\"##\"");
  }
  if (model.value("max_input_chars_per_word", 100) != 100) {
    unsupported(what, "model.max_input_chars_per_word", model["max_input_chars_per_word"].dump(), "100");
  }
  if (model.value("unk_token", std::string("[UNK]")) != "[UNK]") {
    unsupported(what, "model.unk_token", model["unk_token"].dump(), "\"[UNK]\"");
  }
  if (!model.contains("vocab") || !model["vocab"].is_object() || model["vocab"].empty()) {
    throw UserError(cat(what, ": model.vocab is missing or empty (expected {token: id, ...})"));
  }
  const nlohmann::json& vocab = model["vocab"];
  std::vector<std::string> tokens(vocab.size());
  std::vector<bool> seen(vocab.size(), false);
  for (const auto& [token, id_json] : vocab.items()) {
    if (!id_json.is_number_integer()) unsupported(what, "the id of '" + token + "'", id_json.dump(), "an integer");
    const int64_t id = id_json.get<int64_t>();
    if (id < 0 || id >= int64_t(tokens.size()) || seen[size_t(id)]) {
      throw UserError(cat(what, ": model.vocab ids must be 0..", tokens.size() - 1, " once each; '", token, "' has ",
                          id));
    }
    if (token.find('\n') != std::string::npos || token.find('\r') != std::string::npos) {
      throw UserError(cat(what, ": model.vocab token ", nlohmann::json(token).dump(), " holds a line break"));
    }
    tokens[size_t(id)] = token;
    seen[size_t(id)] = true;
  }

  HfWordPieceVocab out;
  const nlohmann::json normalizer = j.value("normalizer", nlohmann::json());
  if (normalizer.is_null()) {
    out.lowercase = false;
  } else {
    const std::string ntype = normalizer.value("type", std::string("?"));
    if (ntype != "BertNormalizer") unsupported(what, "normalizer.type", "'" + ntype + "'", "'BertNormalizer'");
    out.lowercase = normalizer.value("lowercase", true);
    const nlohmann::json strip = normalizer.value("strip_accents", nlohmann::json());
    if (!strip.is_null() && (!strip.is_boolean() || strip.get<bool>() != out.lowercase)) {
      unsupported(what, "normalizer.strip_accents", strip.dump(), "null or the same as lowercase");
    }
  }
  for (const std::string& token : tokens) out.vocab_text += token + "\n";
  return out;
}

}  // namespace sasmlm
