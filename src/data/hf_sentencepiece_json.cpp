#include "sasmlm/data/hf_sentencepiece_json.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/data/sentencepiece_model.h"
#include "sasmlm/data/text_words.h"
#include "sasmlm/data/tokenizer.h"

namespace sasmlm {
namespace {

using Json = nlohmann::ordered_json;  // "type" first, vocabulary in id order

// Split points of `s` at UTF-8 character boundaries (1..size-1).
std::vector<size_t> char_boundaries(const std::string& s) {
  std::vector<size_t> cuts;
  for (size_t i = 1; i < s.size(); ++i) {
    if ((uint8_t(s[i]) & 0xC0) != 0x80) cuts.push_back(i);
  }
  return cuts;
}

// SentencePiece's BPE merges, best first: a merge of symbols a and b happens when a+b is a piece, the
// highest-scoring such piece first (ties: lower id), so each (a, b) with a, b and a+b normal pieces is ranked by
// a+b's score, then by the ids of a+b, a and b.
Json bpe_merges(const std::vector<SentencePieceEntry>& pieces) {
  std::map<std::string, int32_t> ids;
  for (size_t id = 0; id < pieces.size(); ++id) {
    if (pieces[id].type == SentencePieceType::kNormal) ids.emplace(pieces[id].text, int32_t(id));
  }
  struct Merge {
    float score;
    int32_t merged, left, right;
  };
  std::vector<Merge> merges;
  for (const auto& [text, merged] : ids) {
    for (size_t cut : char_boundaries(text)) {
      const auto left = ids.find(text.substr(0, cut));
      const auto right = ids.find(text.substr(cut));
      if (left != ids.end() && right != ids.end()) {
        merges.push_back({pieces[size_t(merged)].score, merged, left->second, right->second});
      }
    }
  }
  std::sort(merges.begin(), merges.end(), [](const Merge& x, const Merge& y) {
    if (x.score != y.score) return x.score > y.score;
    if (x.merged != y.merged) return x.merged < y.merged;
    if (x.left != y.left) return x.left < y.left;
    return x.right < y.right;
  });
  Json out = Json::array();
  for (const Merge& m : merges) out.push_back({pieces[size_t(m.left)].text, pieces[size_t(m.right)].text});
  return out;
}

Json model_json(const SentencePieceModel& info) {
  const bool byte_fallback = std::any_of(info.pieces.begin(), info.pieces.end(),
                                         [](const SentencePieceEntry& p) { return p.type == SentencePieceType::kByte; });
  if (info.type == SentencePieceModelType::kUnigram) {
    Json vocab = Json::array();
    for (const SentencePieceEntry& p : info.pieces) vocab.push_back({p.text, double(p.score)});
    return {{"type", "Unigram"}, {"unk_id", kUnkId}, {"vocab", vocab}, {"byte_fallback", byte_fallback}};
  }
  Json vocab = Json::object();
  for (size_t id = 0; id < info.pieces.size(); ++id) vocab[info.pieces[id].text] = id;
  return {{"type", "BPE"},
          {"dropout", nullptr},
          {"unk_token", info.pieces[kUnkId].text},
          {"continuing_subword_prefix", nullptr},
          {"end_of_word_suffix", nullptr},
          {"fuse_unk", true},
          {"byte_fallback", byte_fallback},
          {"ignore_merges", false},
          {"vocab", vocab},
          {"merges", bpe_merges(info.pieces)}};
}

Json special_token(const std::string& id, int type_id) {
  return {{"SpecialToken", {{"id", id}, {"type_id", type_id}}}};
}
Json sequence(const std::string& id, int type_id) { return {{"Sequence", {{"id", id}, {"type_id", type_id}}}}; }

}  // namespace

std::string sentencepiece_tokenizer_json(const std::string& model_bytes, const std::string& what) {
  const SentencePieceModel info = read_sentencepiece_model(model_bytes, what);
  const std::string why = sasmlm_kind_mismatch(info);
  if (!why.empty()) {
    throw UserError(cat(what, ": ", why, "; the Hugging Face tokenizer.json could not reproduce sasmlm's pieces "
                        "(hint: a tokenizer that `sasmlm prepare` trained always qualifies)"));
  }
  const std::string kMarker = "\xE2\x96\x81";  // U+2581, SentencePiece's word-start marker

  Json added = Json::array();
  for (int32_t id = 0; id < kNumSpecialTokens; ++id) {
    added.push_back({{"id", id}, {"content", info.pieces[size_t(id)].text}, {"single_word", false},
                     {"lstrip", false}, {"rstrip", false}, {"normalized", false}, {"special", true}});
  }
  const Json pre_tokenizer = {
      {"type", "Sequence"},
      {"pretokenizers",
       {{{"type", "Split"}, {"pattern", {{"Regex", split_words_pattern()}}}, {"behavior", "Removed"},
         {"invert", true}},
        {{"type", "Metaspace"}, {"replacement", kMarker}, {"prepend_scheme", "always"}, {"split", false}}}}};
  const std::string cls = info.pieces[kClsId].text, sep = info.pieces[kSepId].text;
  const Json post_processor = {
      {"type", "TemplateProcessing"},
      {"single", {special_token(cls, 0), sequence("A", 0), special_token(sep, 0)}},
      {"pair",
       {special_token(cls, 0), sequence("A", 0), special_token(sep, 0), sequence("B", 1), special_token(sep, 1)}},
      {"special_tokens",
       {{cls, {{"id", cls}, {"ids", {kClsId}}, {"tokens", {cls}}}},
        {sep, {{"id", sep}, {"ids", {kSepId}}, {"tokens", {sep}}}}}}};
  // Pieces back to text: markers to spaces, byte pieces to bytes, the first word's leading space dropped.
  const Json decoder = {
      {"type", "Sequence"},
      {"decoders",
       {{{"type", "Replace"}, {"pattern", {{"String", kMarker}}}, {"content", " "}},
        {{"type", "ByteFallback"}},
        {{"type", "Fuse"}},
        {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}};
  const Json tokenizer = {{"version", "1.0"},         {"truncation", nullptr},
                          {"padding", nullptr},        {"added_tokens", added},
                          {"normalizer", nullptr},     {"pre_tokenizer", pre_tokenizer},
                          {"post_processor", post_processor}, {"decoder", decoder},
                          {"model", model_json(info)}};
  return tokenizer.dump(2) + "\n";
}

}  // namespace sasmlm
