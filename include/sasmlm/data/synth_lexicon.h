// The lexicon of the embedded synthetic English (`sasmlm synth`): a few hundred lemmas with the features the
// grammar needs (number, gender, semantic class, verb frames) and a reverse index from surface forms to UD-style
// analyses (lemma, UPOS, FEATS) that tests use to check agreement and minimal pairs independently of the grammar.
//
// Semantic classes drive selection ("the dog sleeps", not "the key sleeps"); verb frames drive subcategorisation.
// FEATS follow UD English (Number, Person, Tense, VerbForm, Mood, Gender, Case, PronType, Reflex, Poss) plus two
// additions UD English lacks: Gender on lexically gendered nouns and names (king, Mary), and Subcat=Tran|Intr on
// verbs that strictly need or forbid an object.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace sasmlm::synth {

// Semantic classes of nouns (bit mask); verbs, adjectives and prepositions select for them.
enum SemanticClass : uint16_t {
  kHuman = 1 << 0,
  kAnimal = 1 << 1,
  kThing = 1 << 2,       // movable artifact
  kPlace = 1 << 3,
  kEvent = 1 << 4,
  kFood = 1 << 5,
  kContent = 1 << 6,     // written content: story, song (abstract), book, letter (also kThing)
  kFurniture = 1 << 7,   // things one puts things on or under (combined with kThing)
  kRelational = 1 << 8,  // kinship and social roles that take an "of" complement: friend, king
  kOccupation = 1 << 9,  // usable as a predicate nominal: "is a teacher"
  kImage = 1 << 10,      // pictures: one draws or paints them, they show something ("a picture of the dog")
};
constexpr uint16_t kAnimate = kHuman | kAnimal;
// Abstract content (story, song) is written and read, liked and forgotten, but not seen, thrown or painted red.
constexpr uint16_t kAnyClass = kHuman | kAnimal | kThing | kPlace | kEvent | kFood | kContent;

enum class Gender : uint8_t { kNone, kMasc, kFem };

struct Noun {
  const char* singular;
  const char* plural;
  uint16_t classes;
  Gender gender;
  bool irregular;  // plural not formed with -s/-es/-ies
  bool invariant;  // singular == plural ("sheep"): its number is ambiguous
};

struct Name {
  const char* form;
  Gender gender;
};

// Verb frames (bit mask).
enum VerbFrame : uint16_t {
  kIntransitive = 1 << 0,  // may appear without an object
  kTransitive = 1 << 1,    // may take a noun-phrase object
  kNeedsObject = 1 << 2,   // an object is obligatory: "*The man found."  (Subcat=Tran)
  kNoObject = 1 << 3,      // an object is impossible: "*The man slept the key."  (Subcat=Intr)
  kClause = 1 << 4,        // takes a finite clausal complement: "thinks that ..."
  kInfinitive = 1 << 5,    // takes a subject-controlled to-infinitive: "wants to ..."
  kReflexive = 1 << 6,     // natural with a reflexive object: "hurt himself"
  kStative = 1 << 7,       // no progressive: "*is knowing", "*is needing"
};

enum class VerbSlot : uint8_t { kBase, kThird, kPast, kParticiple, kGerund };

struct Verb {
  const char* base;
  const char* third;       // 3rd person singular present
  const char* past;
  const char* participle;  // past participle
  const char* gerund;      // -ing form
  uint16_t subjects;       // semantic classes allowed as subject
  uint16_t objects;        // semantic classes allowed as object (0 = none)
  uint16_t frames;

  const char* form(VerbSlot slot) const;
  bool irregular_participle() const;  // past and participle differ: broke / broken
};

struct Adjective {
  const char* form;
  uint16_t nouns;  // semantic classes it can modify
  int order;       // prenominal order: opinion 1, size 2, age 3, shape 4, colour 5, material 6
};

enum class Number : uint8_t { kAny, kSing, kPlur };

enum class DeterminerKind : uint8_t { kArticle, kDemonstrative, kQuantifier, kNumeral, kPossessive };

struct Determiner {
  const char* form;
  const char* lemma;
  Number number;  // kAny: goes with both
  DeterminerKind kind;
  bool indefinite;  // may introduce the pivot of an existential ("There is a key")
};

// Personal pronoun paradigm cell: person 1..3, number, gender (3rd singular only).
struct Pronoun {
  int person;
  bool plural;
  Gender gender;  // kNone with 3rd singular means "it"
  const char* nominative;
  const char* accusative;
  const char* reflexive;
  const char* possessive;

  const char* lemma() const;  // UD lemma: I, we, you, he, she, it, they
};

// A preposition licensed between a head (noun or clause) and its object noun phrase.
struct PrepositionRule {
  const char* form;
  uint16_t heads;    // semantic classes of the modified noun (noun attachment) or of the subject (verb attachment)
  uint16_t objects;  // semantic classes of the preposition's object
};

enum class AdverbKind : uint8_t { kManner, kFrequency, kDegree };

struct Adverb {
  const char* form;
  AdverbKind kind;
};

// One reading of a surface form.
struct WordAnalysis {
  std::string lemma;
  std::string upos;
  std::string feats;       // UD FEATS string, "" for none
  bool irregular = false;  // irregular plural noun, or irregular past/participle verb form

  // FEATS as key -> value.
  std::map<std::string, std::string> features() const;
};

class Lexicon {
 public:
  // The built-in English lexicon (built once, immutable).
  static const Lexicon& english();

  const std::vector<Noun>& nouns() const { return nouns_; }
  const std::vector<Name>& names() const { return names_; }
  const std::vector<Verb>& verbs() const { return verbs_; }
  const std::vector<Adjective>& adjectives() const { return adjectives_; }
  const std::vector<Determiner>& determiners() const { return determiners_; }
  const std::vector<Pronoun>& pronouns() const { return pronouns_; }
  const std::vector<PrepositionRule>& noun_prepositions() const { return noun_prepositions_; }
  const std::vector<PrepositionRule>& verb_prepositions() const { return verb_prepositions_; }
  const std::vector<PrepositionRule>& locative_prepositions() const { return locative_prepositions_; }
  const std::vector<Adverb>& adverbs() const { return adverbs_; }

  const Pronoun& pronoun(int person, bool plural, Gender gender) const;
  // The demonstrative of the other number: this <-> these, that <-> those; "" for other determiners.
  std::string demonstrative_counterpart(const std::string& form) const;

  // Every reading of a (lower-case, except names and "I") surface form; empty for unknown forms.
  const std::vector<WordAnalysis>& analyze(const std::string& form) const;

 private:
  Lexicon();
  void index(const std::string& form, const std::string& lemma, const std::string& upos, const std::string& feats,
             bool irregular = false);
  void index_verb(const Verb& verb);

  std::vector<Noun> nouns_;
  std::vector<Name> names_;
  std::vector<Verb> verbs_;
  std::vector<Adjective> adjectives_;
  std::vector<Determiner> determiners_;
  std::vector<Pronoun> pronouns_;
  std::vector<PrepositionRule> noun_prepositions_;
  std::vector<PrepositionRule> verb_prepositions_;
  std::vector<PrepositionRule> locative_prepositions_;
  std::vector<Adverb> adverbs_;
  std::unordered_map<std::string, std::vector<WordAnalysis>> analyses_;
};

// "an" before a vowel sound ("an old key", "an hour"), "a" otherwise ("a key", "a university").
const char* indefinite_article_for(const std::string& next_word);

}  // namespace sasmlm::synth
