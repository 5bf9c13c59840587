// BLiMP-schema minimal pairs built with the synthetic grammar.
//
// Each paradigm builds a grammatical sentence with its gold parse and derives the ungrammatical one by changing
// exactly the feature it names: one word's number, gender or verb form (the rest of the sentence untouched), a
// verb swapped for one of another subcategorisation class, or the object removed. Field names follow BLiMP
// (field, linguistics_term, UID); UIDs that exist in BLiMP keep BLiMP's meaning.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sasmlm/data/conllu.h"

namespace sasmlm {

class SynthGrammar;

struct SynthParadigm {
  const char* uid;               // file name stem and the UID field
  const char* field;             // morphology | syntax
  const char* linguistics_term;  // e.g. subject_verb_agreement
  const char* example;           // good / bad, for documentation
};

// All paradigms, in a fixed order.
const std::vector<SynthParadigm>& synth_paradigms();

struct MinimalPair {
  ConlluSentence good;  // the grammatical sentence with its gold parse
  ConlluSentence bad;   // the ungrammatical variant (same tree, or the good tree without the object)
};

// One pair of paradigm `uid`, drawn with the grammar's RNG. Throws UserError for an unknown uid.
MinimalPair make_minimal_pair(SynthGrammar& grammar, const std::string& uid);

// `count` distinct pairs of paradigm `uid`, deterministic in (seed, max_depth, uid, count).
std::vector<MinimalPair> make_minimal_pairs(uint64_t seed, int max_depth, const std::string& uid, int64_t count);

}  // namespace sasmlm
