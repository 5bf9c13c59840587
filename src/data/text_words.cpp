#include "sasmlm/data/text_words.h"

#include <array>
#include <cctype>
#include <cstring>

namespace sasmlm {
namespace {

bool is_ascii_punct(char c) { return static_cast<unsigned char>(c) < 128 && std::ispunct(static_cast<unsigned char>(c)); }

std::string lower(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

constexpr std::array<const char*, 7> kClitics = {"n't", "'s", "'re", "'ve", "'ll", "'m", "'d"};

// Splits a clitic off the end of `word` (PTB style: "don't" -> "do" "n't"; "John's" -> "John" "'s").
void push_with_clitic(const std::string& word, std::vector<std::string>& words) {
  const std::string low = lower(word);
  for (const char* clitic : kClitics) {
    const size_t n = std::strlen(clitic);
    if (low.size() > n && low.compare(low.size() - n, n, clitic) == 0) {
      words.push_back(word.substr(0, word.size() - n));
      words.push_back(word.substr(word.size() - n));
      return;
    }
  }
  words.push_back(word);
}

// One whitespace-free chunk: letters/digits runs (with inner apostrophes kept for clitics) and single punctuation.
void split_chunk(const std::string& chunk, std::vector<std::string>& words) {
  std::string current;
  for (size_t i = 0; i < chunk.size(); ++i) {
    const char c = chunk[i];
    // An apostrophe inside a word starts a clitic ("don't", "it's"); keep it in the run for push_with_clitic.
    const bool inner_apostrophe = c == '\'' && !current.empty() && i + 1 < chunk.size() &&
                                  std::isalpha(static_cast<unsigned char>(chunk[i + 1]));
    if (is_ascii_punct(c) && !inner_apostrophe) {
      if (!current.empty()) push_with_clitic(current, words);
      current.clear();
      words.emplace_back(1, c);
    } else {
      current += c;
    }
  }
  if (!current.empty()) push_with_clitic(current, words);
}

}  // namespace

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t j = i;
    while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j]))) ++j;
    if (j == i) break;
    std::string chunk = text.substr(i, j - i);
    // "[MASK]" may sit next to punctuation ("[MASK]."): peel it out before punctuation splitting.
    size_t pos = 0;
    for (size_t m = chunk.find(kMaskWord); m != std::string::npos; m = chunk.find(kMaskWord, pos)) {
      if (m > pos) split_chunk(chunk.substr(pos, m - pos), words);
      words.emplace_back(kMaskWord);
      pos = m + std::strlen(kMaskWord);
    }
    if (pos < chunk.size()) split_chunk(chunk.substr(pos), words);
    i = j;
  }
  return words;
}

const std::string& split_words_pattern() {
  // Pieces, each the regex form of a rule above. Punct: std::ispunct's ASCII set. Run: a character that is neither
  // ASCII whitespace (std::isspace) nor ASCII punctuation. An apostrophe continues a run when a letter follows.
  static const std::string kPunct = "!-/:-@\\[-`{-~";
  static const std::string kRun = "[^ \\t\\n\\x0B\\f\\r" + kPunct + "]";
  static const std::string kRunTail = "(?:" + kRun + "|'(?=[A-Za-z]))";
  // The end of a run: neither a run character nor an apostrophe that continues it.
  static const std::string kRunEnd = "(?!" + kRun + "|'[A-Za-z])";
  // kClitics, case-insensitive for ASCII letters only (std::tolower), hence classes such as [nN] over (?i).
  static const std::string kClitic = [] {
    std::string alternatives;
    for (const char* clitic : kClitics) {
      alternatives += alternatives.empty() ? "" : "|";
      for (const char* c = clitic; *c != 0; ++c) {
        const bool letter = std::isalpha(static_cast<unsigned char>(*c)) != 0;
        alternatives += letter ? std::string{'[', *c, char(std::toupper(static_cast<unsigned char>(*c))), ']'}
                               : std::string(1, *c);
      }
    }
    return "(?:" + alternatives + ")";
  }();
  static const std::string kPattern =
      // 1. a clitic that ends a run, split off a non-empty start
      "(?<=" + kRun + ")" + kClitic + kRunEnd +
      // 2. the start of a run that ends in a clitic
      "|" + kRun + kRunTail + "*?(?=" + kClitic + kRunEnd + ")" +
      // 3. any other run, whole
      "|" + kRun + kRunTail + "*" +
      // 4. one punctuation character
      "|[" + kPunct + "]";
  return kPattern;
}

}  // namespace sasmlm
