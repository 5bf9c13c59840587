#include "sasmlm/data/synth_tree.h"

#include <cctype>

#include "sasmlm/core/error.h"
#include "sasmlm/data/synth_lexicon.h"

namespace sasmlm::synth {
namespace {

bool is_punctuation(const std::string& form) { return form == "." || form == "?" || form == ","; }

}  // namespace

int SynthTree::add(std::string form, std::string lemma, const char* upos) {
  SynthToken t;
  t.form = std::move(form);
  t.lemma = std::move(lemma);
  t.upos = upos;
  tokens_.push_back(std::move(t));
  return size() - 1;
}

void SynthTree::attach(int dependent, int head, const char* deprel) {
  SASMLM_CHECK(dependent >= 0 && dependent < size() && head >= -1 && head < size() && head != dependent,
               "bad attachment " + std::to_string(dependent) + " -> " + std::to_string(head));
  SASMLM_CHECK(tokens_[dependent].head == SynthToken::kUnattached,
               "token " + std::to_string(dependent) + " (" + tokens_[dependent].form + ") attached twice");
  tokens_[dependent].head = head;
  tokens_[dependent].deprel = deprel;
}

SynthTree SynthTree::without_subtree(int root_of_span) const {
  const int n = size();
  std::vector<bool> inside(n, false);
  for (int i = 0; i < n; ++i) {
    int w = i;
    while (w >= 0 && w != root_of_span) w = tokens_[w].head;
    inside[i] = (w == root_of_span);
  }
  int first = n, last = -1;
  for (int i = 0; i < n; ++i) {
    if (inside[i]) {
      first = std::min(first, i);
      last = std::max(last, i);
    }
  }
  for (int i = first; i <= last; ++i) SASMLM_CHECK(inside[i], "subtree to remove is not contiguous");
  const int removed = last - first + 1;
  SynthTree out;
  for (int i = 0; i < n; ++i) {
    if (inside[i]) continue;
    SynthToken t = tokens_[i];
    if (t.head > last) t.head -= removed;
    out.tokens_.push_back(std::move(t));
  }
  return out;
}

ConlluSentence SynthTree::finish() const {
  const int n = size();
  SASMLM_CHECK(n > 0, "empty synthetic sentence");
  ConlluSentence sentence;
  sentence.words.resize(n);
  int roots = 0;
  for (int i = 0; i < n; ++i) {
    const SynthToken& t = tokens_[i];
    SASMLM_CHECK(!t.form.empty(), "token " + std::to_string(i) + " has no form");
    SASMLM_CHECK(t.head != SynthToken::kUnattached, "token " + std::to_string(i) + " (" + t.form + ") unattached");
    roots += t.head == -1;
    ConlluWord& w = sentence.words[i];
    w.id = i + 1;
    w.form = t.form;
    w.upos = t.upos;
    w.head = t.head + 1;
    w.deprel = t.deprel;
    if (t.lemma == "a" && i + 1 < n) w.form = indefinite_article_for(tokens_[i + 1].form);
  }
  SASMLM_CHECK(roots == 1, "synthetic sentence has " + std::to_string(roots) + " roots");
  for (int i = 0; i < n; ++i) {  // acyclic: every chain reaches the root within n steps
    int w = i, steps = 0;
    while (w != -1 && steps <= n) {
      w = tokens_[w].head;
      ++steps;
    }
    SASMLM_CHECK(w == -1, "cycle through token " + std::to_string(i));
  }
  std::string& first = sentence.words[0].form;
  first[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(first[0])));
  sentence.text = render_text(sentence.words);
  return sentence;
}

std::string render_text(const std::vector<ConlluWord>& words) {
  std::string text;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0 && !is_punctuation(words[i].form)) text += ' ';
    text += words[i].form;
  }
  return text;
}

}  // namespace sasmlm::synth
