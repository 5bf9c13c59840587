// Linguistic checks on synthetic sentences, written against the lexicon's analyses (not the grammar's internals),
// shared by test_synth.cpp and test_synth_pairs.cpp.
#pragma once

#include <cctype>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sasmlm/data/conllu.h"
#include "sasmlm/data/synth_lexicon.h"

namespace sasmlm::test {

using Features = std::map<std::string, std::string>;

inline const synth::Lexicon& lexicon() { return synth::Lexicon::english(); }

// Readings of word i (0-based); the capitalised first word is also looked up in lower case.
inline std::vector<synth::WordAnalysis> readings(const ConlluSentence& s, int i) {
  std::vector<synth::WordAnalysis> out = lexicon().analyze(s.words[i].form);
  if (i == 0) {
    std::string lower = s.words[i].form;
    lower[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower[0])));
    if (lower != s.words[i].form) {
      for (const auto& a : lexicon().analyze(lower)) out.push_back(a);
    }
  }
  return out;
}

inline std::string feature(const Features& f, const std::string& key) {
  auto it = f.find(key);
  return it == f.end() ? "" : it->second;
}

inline std::vector<int> dependents(const ConlluSentence& s, int head, const std::string& deprel) {
  std::vector<int> out;
  for (int i = 0; i < static_cast<int>(s.words.size()); ++i) {
    if (s.words[i].head == head + 1 && (deprel.empty() || s.words[i].deprel == deprel)) out.push_back(i);
  }
  return out;
}

// Agreement features (Number, Person, Gender; "" = unspecified) a subject word can have. Coordinated subjects
// are plural; a relativizer subject takes its antecedent's features; who/what questions are 3rd singular.
inline std::vector<Features> subject_readings(const ConlluSentence& s, int subject, bool whole_coordination = true) {
  if (whole_coordination && !dependents(s, subject, "conj").empty()) {
    return {{{"Number", "Plur"}, {"Person", ""}, {"Gender", ""}}};
  }
  std::vector<Features> out;
  for (const auto& a : readings(s, subject)) {
    Features f = a.features();
    if (feature(f, "PronType") == "Rel") {
      const int clause = s.words[subject].head - 1;
      // The relative clause modifies one noun, even the first conjunct of "the queen who was ... and the friends".
      if (clause >= 0 && s.words[clause].deprel == "acl:relcl") {
        return subject_readings(s, s.words[clause].head - 1, false);
      }
      continue;
    }
    if (feature(f, "PronType") == "Int") {
      out.push_back({{"Number", "Sing"}, {"Person", "3"}, {"Gender", ""}});
      continue;
    }
    if (a.upos != "NOUN" && a.upos != "PROPN" && a.upos != "PRON") continue;
    if (feature(f, "Reflex") == "Yes" || feature(f, "Poss") == "Yes") continue;
    out.push_back({{"Number", feature(f, "Number")},
                   {"Person", a.upos == "PRON" ? feature(f, "Person") : "3"},
                   {"Gender", feature(f, "Gender")}});
  }
  return out;
}

// True when some reading of a finite verb form fits some subject reading in number and person. Forms without
// agreement (past, modals) fit anything; a form with no finite reading fits nothing.
inline bool finite_agrees(const std::vector<synth::WordAnalysis>& verb, const std::vector<Features>& subject) {
  for (const auto& v : verb) {
    const Features f = v.features();
    if (feature(f, "VerbForm") != "Fin") continue;
    if (feature(f, "Number").empty() && feature(f, "Person").empty()) return true;
    for (const Features& s : subject) {
      const bool number_ok = feature(s, "Number").empty() || feature(f, "Number").empty() ||
                             feature(s, "Number") == feature(f, "Number");
      const bool person_ok = feature(s, "Person").empty() || feature(f, "Person").empty() ||
                             feature(s, "Person") == feature(f, "Person");
      if (number_ok && person_ok) return true;
    }
  }
  return false;
}

// The token carrying tense for a predicate: its leftmost aux/cop dependent, else the predicate itself.
inline int finite_of(const ConlluSentence& s, int predicate) {
  for (int i = 0; i < static_cast<int>(s.words.size()); ++i) {
    const auto& w = s.words[i];
    if (w.head == predicate + 1 && (w.deprel == "aux" || w.deprel == "cop")) return i;
  }
  return predicate;
}

// True when a reading of `good` and one of `bad` share UPOS (and lemma unless lemma_may_differ), differ in every
// feature of `claimed` (present on both sides), and agree on every other feature present on both sides.
inline bool differ_exactly_in(const std::vector<synth::WordAnalysis>& good, const std::vector<synth::WordAnalysis>& bad,
                              const std::set<std::string>& claimed, bool lemma_may_differ = false) {
  for (const auto& g : good) {
    for (const auto& b : bad) {
      if (g.upos != b.upos || (!lemma_may_differ && g.lemma != b.lemma)) continue;
      const Features fg = g.features(), fb = b.features();
      bool ok = true;
      for (const auto& key : claimed) {
        ok = ok && !feature(fg, key).empty() && !feature(fb, key).empty() && feature(fg, key) != feature(fb, key);
      }
      for (const auto& [key, value] : fg) {
        if (claimed.count(key) == 0 && fb.count(key) != 0 && fb.at(key) != value) ok = false;
      }
      if (ok) return true;
    }
  }
  return false;
}

}  // namespace sasmlm::test
