#include "sasmlm/data/bert_text.h"

#include <algorithm>

#include "unicode_tables.h"

namespace sasmlm {
namespace {

namespace ut = unicode_tables;

constexpr char32_t kReplacement = 0xFFFD;

uint8_t char_class(char32_t cp) {
  const uint32_t* end = ut::kCharClassStart + ut::kCharClassRuns;
  const uint32_t* run = std::upper_bound(ut::kCharClassStart, end, uint32_t(cp));
  return run == ut::kCharClassStart ? ut::kOther : ut::kCharClassValue[run - ut::kCharClassStart - 1];
}

// The tokenizers library's CJK blocks (its last supplementary range starts at U+2B920, not Unicode's U+2B820).
bool is_cjk(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF) ||
         (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

// Lowercase mode's per-character fold: NFD, nonspacing marks dropped, lowercased.
void append_fold(char32_t cp, uint8_t cls, std::u32string& out) {
  if (cls == ut::kMark) return;
  // Hangul syllables decompose algorithmically into their leading, vowel and optional trailing jamo.
  constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
  constexpr char32_t kVCount = 21, kTCount = 28, kSCount = 11172;
  if (cp >= kSBase && cp < kSBase + kSCount) {
    const char32_t s = cp - kSBase;
    out += char32_t(kLBase + s / (kVCount * kTCount));
    out += char32_t(kVBase + (s % (kVCount * kTCount)) / kTCount);
    if (s % kTCount != 0) out += char32_t(kTBase + s % kTCount);
    return;
  }
  const uint32_t* keys_end = ut::kFoldKey + ut::kFoldKeys;
  const uint32_t* key = std::lower_bound(ut::kFoldKey, keys_end, uint32_t(cp));
  if (key == keys_end || *key != cp) {
    out += cp;
    return;
  }
  const size_t i = size_t(key - ut::kFoldKey);
  for (uint32_t k = ut::kFoldStart[i]; k < ut::kFoldStart[i + 1]; ++k) out += char32_t(ut::kFoldPool[k]);
}

}  // namespace

std::u32string utf8_to_code_points(const std::string& text) {
  std::u32string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    int extra = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if (lead < 0x80) {
      cp = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      extra = 1, cp = lead & 0x1F, min = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      extra = 2, cp = lead & 0x0F, min = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      extra = 3, cp = lead & 0x07, min = 0x10000;
    } else {
      out += kReplacement;
      ++i;
      continue;
    }
    bool ok = i + size_t(extra) < text.size();
    for (int k = 1; ok && k <= extra; ++k) {
      const unsigned char c = static_cast<unsigned char>(text[i + size_t(k)]);
      if ((c & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (!ok || cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) {
      out += kReplacement;
      ++i;
      continue;
    }
    out += cp;
    i += size_t(extra) + 1;
  }
  return out;
}

void append_utf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

std::vector<std::string> bert_basic_tokenize(const std::string& text, bool lowercase) {
  // Normalizer: clean text, CJK spacing, then (lowercase mode) NFD + mark stripping + lowercasing.
  std::u32string normalized;
  normalized.reserve(text.size());
  for (const char32_t cp : utf8_to_code_points(text)) {
    const uint8_t cls = char_class(cp);
    if (cp == 0 || cp == kReplacement || cls == ut::kControl) continue;
    if (cls == ut::kWhitespace) {
      normalized += U' ';
      continue;
    }
    const bool cjk = is_cjk(cp);
    if (cjk) normalized += U' ';
    if (lowercase) {
      append_fold(cp, cls, normalized);
    } else {
      normalized += cp;
    }
    if (cjk) normalized += U' ';
  }
  // Pre-tokenizer: whitespace ends a word, punctuation is a word of its own.
  std::vector<std::string> words;
  std::string word;
  for (const char32_t cp : normalized) {
    const uint8_t cls = char_class(cp);
    if (cls == ut::kWhitespace || cls == ut::kPunctuation) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
      if (cls == ut::kPunctuation) {
        words.emplace_back();
        append_utf8(cp, words.back());
      }
      continue;
    }
    append_utf8(cp, word);
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

}  // namespace sasmlm
