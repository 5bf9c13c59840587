// A dependency tree under construction by the synthetic grammar.
//
// Phrases are built left to right, so a token's position is fixed when it is added; its head and relation are
// filled in once the head exists (a determiner waits for its noun). A token's form may also be left empty and set
// later (the fronted auxiliary of a question agrees with a subject built after it). finish() checks that every
// token is attached, resolves a/an, capitalises the first word and renders the text.
#pragma once

#include <string>
#include <vector>

#include "sasmlm/data/conllu.h"

namespace sasmlm::synth {

struct SynthToken {
  std::string form;
  std::string lemma;
  const char* upos = "";
  int head = kUnattached;  // token index, -1 for the root
  const char* deprel = "";

  static constexpr int kUnattached = -2;
};

class SynthTree {
 public:
  // Appends a token and returns its index.
  int add(std::string form, std::string lemma, const char* upos);
  // Sets `dependent`'s head (a token index, or -1 for the root) and relation.
  void attach(int dependent, int head, const char* deprel);

  int size() const { return static_cast<int>(tokens_.size()); }
  SynthToken& operator[](int i) { return tokens_[i]; }
  const SynthToken& operator[](int i) const { return tokens_[i]; }

  // The same tree without `root_of_span`'s subtree, which must be contiguous; heads are renumbered.
  SynthTree without_subtree(int root_of_span) const;

  // Checks the tree (all attached, one root, acyclic) and renders it as a CoNLL-U sentence with text; throws
  // InternalError on a grammar bug.
  ConlluSentence finish() const;

 private:
  std::vector<SynthToken> tokens_;
};

// Surface text: tokens joined by spaces, with no space before punctuation.
std::string render_text(const std::vector<ConlluWord>& words);

}  // namespace sasmlm::synth
