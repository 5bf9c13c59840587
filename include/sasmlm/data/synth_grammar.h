// A small probabilistic dependency grammar of English that generates sentences with gold UD-style parses.
//
// Coverage: declaratives with subject-verb agreement in person and number (simple, progressive, perfect and modal
// verb groups, do-support under negation), transitive / intransitive / clausal (ccomp) / infinitival (xcomp)
// frames with semantic selection, reflexive objects agreeing with the subject, copular clauses (adjective,
// locative and nominal predicates), existentials, yes/no and wh-questions with subject-auxiliary inversion,
// noun phrases with number-agreeing determiners, ordered adjectives, possessives, numerals, prepositional
// modifiers and subject-/object-gap relative clauses, coordination of noun phrases (plural agreement), verb
// phrases and clauses. Embedding (prepositional and relative modifiers, complement clauses) stops at max_depth.
//
// Heads are fixed while phrases are built (SynthTree); relations follow UD English (nsubj, obj, det, amod, case,
// nmod, obl, acl:relcl, advmod, aux, cop, cc, conj, mark, ccomp, xcomp, expl, nummod, nmod:poss, punct, root).
// Everything random comes from one Rng, so a grammar's output is a pure function of (seed, max_depth).
#pragma once

#include <cstdint>
#include <string>

#include "sasmlm/core/rng.h"
#include "sasmlm/data/conllu.h"
#include "sasmlm/data/synth_lexicon.h"
#include "sasmlm/data/synth_tree.h"

namespace sasmlm {
namespace synth {

enum class Tense : uint8_t {
  kPresent, kPast, kPresentProgressive, kPastProgressive, kPresentPerfect, kPastPerfect, kModal,
  kInfinitive,  // "to"-less base form under a control verb; no agreement
};

// The features a subject passes to its verb, reflexive and relative clause.
struct Agreement {
  int person = 3;
  bool plural = false;
  Gender gender = Gender::kNone;  // set on every 3rd-singular human; kNone on plurals and non-humans ("it")
  uint16_t classes = kHuman;      // semantic classes of the head, for selection
};

enum class PostModifier : uint8_t { kRandom, kNone, kPrepositional, kRelative };

// Constraints on a noun phrase; the defaults give the corpus distribution.
struct NpSpec {
  Number number = Number::kAny;
  uint16_t classes = kAnyClass;       // acceptable semantic classes of the head
  bool nominative = true;             // pronoun case
  bool third_person = false;          // no I / we / you
  double pronoun_p = 0.1;             // chance of a personal pronoun head
  double name_p = 0.08;               // chance of a proper name head
  PostModifier post = PostModifier::kRandom;
  Number attractor = Number::kAny;    // number of the noun inside a forced modifier
  int adjectives = -1;                // exact number of adjectives (-1 = random)
  bool demonstrative = false;         // determiner this/these/that/those
  bool indefinite = false;            // existential pivot: a, some, no, numerals or a bare plural
  bool predicative = false;           // predicate nominal: an occupation noun with "a" or a bare plural
  Gender gender = Gender::kNone;      // required gender (kNone = any)
  bool irregular = false;             // a noun with an irregular plural
  bool allow_invariant = true;        // nouns like "sheep" whose number is invisible
};

struct NounPhrase {
  int head = -1;
  int determiner = -1;  // determiner, numeral or possessive token (-1 = none)
  int attractor = -1;   // head noun inside a forced modifier (-1 = none)
  Agreement agr;
};

enum class ObjectKind : uint8_t { kRandom, kNounPhrase, kReflexive };

struct PredicateOptions {
  Tense tense = Tense::kPresent;
  bool negated = false;
  bool inverted = false;    // the finite auxiliary was fronted (question): build only what follows the subject
  bool object_gap = false;  // the object is a fronted wh-word or relativizer
  ObjectKind object = ObjectKind::kRandom;
  const NpSpec* object_spec = nullptr;  // constraints on a noun-phrase object (classes default to the verb's)
  bool extras = true;       // adverbs and oblique prepositional phrases
};

// What a paradigm builder needs to know about a verb group.
struct Predicate {
  int head = -1;     // clause head: the lexical verb, or the predicate of a copula
  int verb = -1;     // lexical verb token (-1 for copular clauses)
  VerbSlot slot = VerbSlot::kBase;
  int finite = -1;   // the token that agrees with the subject (-1 when the finite auxiliary was fronted)
  std::string finite_flipped;  // its form for a subject of the other number
  int object = -1;   // object head (noun-phrase head or reflexive), -1 if none
};

}  // namespace synth

class SynthGrammar {
 public:
  explicit SynthGrammar(uint64_t seed, int max_depth = 2);

  // One random sentence with its gold parse (sent_id empty, new_document false).
  ConlluSentence sentence();

  // ---- Building blocks, public for the minimal-pair paradigms (synth_pairs.cpp). ----
  Rng& rng() { return rng_; }
  const synth::Lexicon& lexicon() const { return lex_; }
  int max_depth() const { return max_depth_; }
  bool chance(double p) { return rng_.uniform() < p; }

  // A tense; with agreeing_only, one whose finite form shows subject number (is/are, has/have, walks/walk).
  synth::Tense random_tense(bool agreeing_only = false);
  // The tense a verb can take (nullptr = the copula): statives and the copula have no progressive ("*is
  // knowing"), the copula no past perfect; others keep `tense`. Apply before fronting an auxiliary.
  static synth::Tense fit_tense(const synth::Verb* verb, synth::Tense tense);
  // A random verb offering `frame` whose subjects include one of `subject_classes`; `required` and `excluded`
  // filter further on VerbFrame bits. nullptr when none fits.
  const synth::Verb* pick_verb(uint16_t frame, uint16_t subject_classes, uint16_t required = 0,
                               uint16_t excluded = 0);

  synth::NounPhrase noun_phrase(synth::SynthTree& tree, const synth::NpSpec& spec, int depth);
  // "the man and the dogs": plural, headed by the first conjunct.
  synth::NounPhrase coordinated_noun_phrase(synth::SynthTree& tree, const synth::NpSpec& spec, int depth);
  // The verb group and complements after a subject with features `subject`; the caller attaches the subject.
  synth::Predicate predicate(synth::SynthTree& tree, const synth::Verb& verb, uint16_t frame,
                             const synth::Agreement& subject, const synth::PredicateOptions& options, int depth);
  // "is (not) happy", "was in the garden", "has been a teacher"; with options.inverted the copula was fronted.
  synth::Predicate copular_predicate(synth::SynthTree& tree, const synth::Agreement& subject,
                                     const synth::PredicateOptions& options, int depth);
  // "There is/are NP [PP]": returns the clause head (the verb "be"); `predicate` gets the agreement slot.
  int existential(synth::SynthTree& tree, synth::Number number, synth::Tense tense, int depth,
                  synth::Predicate* predicate = nullptr);
  // A declarative clause (subject first); returns its head, unattached.
  int declarative(synth::SynthTree& tree, int depth);
  // A yes/no or wh-question ending in "?"; returns its head, unattached.
  int question(synth::SynthTree& tree, int depth);
  // The fronted-auxiliary part of a yes/no question: "Does", "Is", "Has", "Will". Adds an auxiliary token whose
  // form is filled by fill_inverted() once the subject is known.
  int add_inverted_auxiliary(synth::SynthTree& tree, synth::Tense tense, bool copula);
  // Sets the fronted auxiliary's form for the subject; returns the form it would have for the other number.
  std::string fill_inverted(synth::SynthTree& tree, int auxiliary, synth::Tense tense, const synth::Agreement& subject);

  // Inflection: the finite form of the verb group (auxiliary or lexical verb) for a tense and subject.
  std::string finite_form(const synth::Verb* verb, synth::Tense tense, bool do_support, const synth::Agreement& agr,
                          const std::string& modal) const;
  // The personal pronoun row agreeing with `agr` (its reflexive: himself, themselves, itself, ourselves...).
  const synth::Pronoun& pronoun_for(const synth::Agreement& agr) const;

 private:
  void add_post_modifier(synth::SynthTree& tree, synth::NounPhrase& np, const synth::NpSpec& spec,
                         const synth::Noun& noun, int depth);
  void add_noun_pp(synth::SynthTree& tree, synth::NounPhrase& np, synth::Number attractor, int depth);
  void add_relative_clause(synth::SynthTree& tree, synth::NounPhrase& np, synth::Number attractor, int depth);
  // Prepositional phrase "prep NP" whose object fits `objects`; returns the object head (case attached).
  int prepositional_phrase(synth::SynthTree& tree, const char* preposition, uint16_t objects, int depth);
  synth::NounPhrase pronoun_phrase(synth::SynthTree& tree, const synth::NpSpec& spec);
  int add_determiner(synth::SynthTree& tree, const synth::NpSpec& spec, bool plural, uint16_t noun_classes);
  void add_adjectives(synth::SynthTree& tree, const synth::NpSpec& spec, uint16_t classes, std::vector<int>& out);
  std::string random_modal();

  Rng rng_;
  int max_depth_;
  const synth::Lexicon& lex_;
  std::string modal_;  // the modal of the verb group being built
};

}  // namespace sasmlm
