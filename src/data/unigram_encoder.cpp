#include "sasmlm/data/unigram_encoder.h"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace sasmlm {
namespace {

constexpr double kUnknownPenalty = 10.0;        // SentencePiece's kUnkPenalty, HF's K_UNK_PENALTY
const std::string kMarker = "\xE2\x96\x81";     // U+2581, the word-start marker

// Bytes of the UTF-8 character starting at s[i] (1 for a stray continuation or invalid lead byte).
size_t char_bytes(std::string_view s, size_t i) {
  const uint8_t lead = uint8_t(s[i]);
  const size_t n = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 1;
  return std::min(n, s.size() - i);
}

}  // namespace

UnigramEncoder::UnigramEncoder(const SentencePieceModel& model, int32_t unk_id) : unk_id_(unk_id) {
  double min_score = std::numeric_limits<double>::infinity();
  scores_.reserve(model.pieces.size());
  for (size_t id = 0; id < model.pieces.size(); ++id) {
    const SentencePieceEntry& piece = model.pieces[id];
    // Special pieces never match text (in HF they are added tokens, taken out of the text before the model).
    const bool special = piece.type == SentencePieceType::kControl || piece.type == SentencePieceType::kUnknown;
    if (!special) ids_.emplace(piece.text, int32_t(id));
    scores_.push_back(double(piece.score));
    min_score = std::min(min_score, double(piece.score));
    max_piece_bytes_ = std::max(max_piece_bytes_, piece.text.size());
  }
  unk_score_ = min_score - kUnknownPenalty;
  byte_fallback_ = true;
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof(name), "<0x%02X>", b);
    const auto it = ids_.find(name);
    byte_ids_[b] = it == ids_.end() ? -1 : it->second;
    byte_fallback_ = byte_fallback_ && it != ids_.end() &&
                     model.pieces[size_t(it->second)].type == SentencePieceType::kByte;
  }
}

int32_t UnigramEncoder::encode_into(std::string_view word, std::vector<int32_t>& ids) const {
  if (word.empty()) return 0;
  std::string text = kMarker;
  for (char c : word) {
    if (c == ' ') {
      text += kMarker;
    } else {
      text += c;
    }
  }
  // best[e]: the best segmentation of text[0, e): its score, the start of its last piece, that piece's id.
  struct Best {
    double score = 0;
    size_t start = std::string::npos;  // npos: not reached yet
    int32_t id = 0;
  };
  const size_t n = text.size();
  std::vector<Best> best(n + 1);
  std::string key;
  for (size_t start = 0; start < n; start += char_bytes(text, start)) {
    const double here = best[start].score;
    const size_t one_char = char_bytes(text, start);
    bool single_char_piece = false;
    const size_t longest = std::min(max_piece_bytes_, n - start);
    for (size_t len = 1; len <= longest; ++len) {
      key.assign(text, start, len);
      const auto it = ids_.find(key);
      if (it == ids_.end()) continue;
      const double candidate = scores_[size_t(it->second)] + here;
      Best& target = best[start + len];
      if (target.start == std::string::npos || candidate > target.score) target = {candidate, start, it->second};
      single_char_piece = single_char_piece || len == one_char;
    }
    if (!single_char_piece) {
      const double candidate = unk_score_ + here;
      Best& target = best[start + one_char];
      if (target.start == std::string::npos || candidate > target.score) target = {candidate, start, unk_id_};
    }
  }
  // Back from the end: pieces in reverse; a run of unknown pieces is one span.
  std::vector<std::pair<size_t, size_t>> spans;  // [start, end) per piece, unknown runs fused
  std::vector<int32_t> span_ids;
  for (size_t end = n; end > 0;) {
    const Best& b = best[end];
    if (b.id == unk_id_ && !span_ids.empty() && span_ids.back() == unk_id_) {
      spans.back().first = b.start;
    } else {
      spans.emplace_back(b.start, end);
      span_ids.push_back(b.id);
    }
    end = b.start;
  }
  int32_t count = 0;
  for (size_t i = spans.size(); i-- > 0;) {
    if (span_ids[i] == unk_id_) {
      // As HF: an unknown span that spells a piece is that piece; else its bytes, or one [UNK].
      const auto it = ids_.find(text.substr(spans[i].first, spans[i].second - spans[i].first));
      if (it != ids_.end() || !byte_fallback_) span_ids[i] = it != ids_.end() ? it->second : unk_id_;
    }
    if (span_ids[i] != unk_id_ || !byte_fallback_) {
      ids.push_back(span_ids[i]);
      ++count;
      continue;
    }
    for (size_t k = spans[i].first; k < spans[i].second; ++k) {
      ids.push_back(byte_ids_[uint8_t(text[k])]);
      ++count;
    }
  }
  return count;
}

}  // namespace sasmlm
