// Noun phrases of the synthetic grammar: pronouns, names, determiner + adjectives + noun, coordination, and
// the recursive modifiers (prepositional phrases and relative clauses) bounded by max_depth.
#include <algorithm>

#include "sasmlm/core/error.h"
#include "sasmlm/data/synth_grammar.h"
#include "sasmlm/data/synth_pick.h"

namespace sasmlm {
using namespace synth;

namespace {

bool has_noun_pp(const Lexicon& lex, uint16_t classes) {
  for (const PrepositionRule& r : lex.noun_prepositions()) {
    if ((r.heads & classes) != 0) return true;
  }
  return false;
}

const char* determiner_relation(const char* upos) {
  const std::string u = upos;
  return u == "NUM" ? "nummod" : u == "PRON" ? "nmod:poss" : "det";
}

// Constraints on the noun inside a forced modifier: a plain common noun of the attractor's number.
void make_attractor(NpSpec& spec, Number attractor) {
  if (attractor == Number::kAny) return;
  spec.number = attractor;
  spec.pronoun_p = 0;
  spec.name_p = 0;
  spec.post = PostModifier::kNone;
  spec.allow_invariant = false;
}

}  // namespace

NounPhrase SynthGrammar::pronoun_phrase(SynthTree& t, const NpSpec& spec) {
  auto fits = [&](const Pronoun& p, bool third) {
    if ((p.person == 3) != third) return false;
    if (spec.number == Number::kSing && p.plural) return false;
    if (spec.number == Number::kPlur && !p.plural) return false;
    if (spec.gender != Gender::kNone && p.gender != spec.gender) return false;
    if (p.person != 3 || (!p.plural && p.gender != Gender::kNone)) return (spec.classes & kHuman) != 0;
    if (!p.plural) return (spec.classes & kAnyClass & ~kHuman) != 0;  // "it"
    return true;
  };
  const auto& rows = lex_.pronouns();
  const bool third = spec.third_person || chance(0.75);
  int i = pick_index(rng_, rows, [&](const Pronoun& p) { return fits(p, third); });
  if (i < 0 && !spec.third_person) i = pick_index(rng_, rows, [&](const Pronoun& p) { return fits(p, !third); });
  if (i < 0) return {};
  const Pronoun& p = rows[i];
  NounPhrase np;
  np.head = t.add(spec.nominative ? p.nominative : p.accusative, p.lemma(), "PRON");
  np.agr.person = p.person;
  np.agr.plural = p.plural;
  np.agr.gender = p.gender;
  if (p.person != 3 || (!p.plural && p.gender != Gender::kNone)) {
    np.agr.classes = kHuman;
  } else {
    np.agr.classes = p.plural ? spec.classes : uint16_t(spec.classes & ~kHuman);
  }
  return np;
}

int SynthGrammar::add_determiner(SynthTree& t, const NpSpec& spec, bool plural, uint16_t noun_classes) {
  const Number number = plural ? Number::kPlur : Number::kSing;
  const auto& dets = lex_.determiners();
  auto of_kind = [&](DeterminerKind kind) {
    return [&, kind](const Determiner& d) {
      return d.kind == kind && (d.number == Number::kAny || d.number == number);
    };
  };
  int d = -1;
  if (spec.demonstrative) {
    d = pick_index(rng_, dets, of_kind(DeterminerKind::kDemonstrative));
  } else if (spec.predicative) {
    if (plural) return -1;
    d = pick_index(rng_, dets, [](const Determiner& x) { return std::string(x.form) == "a"; });
  } else if (spec.indefinite) {
    if (plural && chance(0.3)) return -1;  // bare plural: "There are keys"
    d = pick_index(rng_, dets, [&](const Determiner& x) {
      return x.indefinite && (x.number == Number::kAny || x.number == number);
    });
  } else {
    // article, demonstrative, quantifier, numeral, possessive, none (bare plurals only)
    const int kind = choose(rng_, {0.58, 0.07, 0.06, plural ? 0.06 : 0.0, 0.12, plural ? 0.15 : 0.0});
    if (kind == 5) return -1;
    if (kind == 4) {
      // "its" has a non-human possessor, which makes "its uncle" odd; people have human relations.
      const bool human = (noun_classes & kHuman) != 0;
      const int p = pick_index(rng_, lex_.pronouns(), [&](const Pronoun& x) {
        return !(human && x.person == 3 && !x.plural && x.gender == Gender::kNone);
      });
      return t.add(lex_.pronouns()[p].possessive, lex_.pronouns()[p].lemma(), "PRON");
    }
    if (kind == 0) {
      const char* article = (plural || chance(0.6)) ? "the" : "a";
      d = pick_index(rng_, dets, [&](const Determiner& x) { return std::string(x.form) == article; });
    } else {
      const DeterminerKind kinds[] = {DeterminerKind::kArticle, DeterminerKind::kDemonstrative,
                                      DeterminerKind::kQuantifier, DeterminerKind::kNumeral};
      // "no" is kept to existential pivots: elsewhere it invites negative concord ("do not help no authors").
      d = pick_index(rng_, dets, [&](const Determiner& x) {
        return of_kind(kinds[kind])(x) && std::string(x.form) != "no";
      });
    }
  }
  SASMLM_CHECK(d >= 0, "no determiner fits");
  return t.add(dets[d].form, dets[d].lemma, dets[d].kind == DeterminerKind::kNumeral ? "NUM" : "DET");
}

void SynthGrammar::add_adjectives(SynthTree& t, const NpSpec& spec, uint16_t classes, std::vector<int>& out) {
  const int count = spec.adjectives >= 0 ? spec.adjectives : choose(rng_, {0.3, 0.35, 0.25, 0.1});
  const auto& adjectives = lex_.adjectives();
  std::vector<int> chosen;
  for (int k = 0; k < count; ++k) {
    // Two adjectives come from different order classes ("big old", not "big tiny"), then sort by class.
    const int a = pick_index(rng_, adjectives, [&](const Adjective& x) {
      if ((x.nouns & classes) == 0) return false;
      for (int c : chosen) {
        if (adjectives[c].order == x.order) return false;
      }
      return true;
    });
    if (a < 0) break;
    chosen.push_back(a);
  }
  std::stable_sort(chosen.begin(), chosen.end(),
                   [&](int x, int y) { return adjectives[x].order < adjectives[y].order; });
  for (int a : chosen) {
    int degree = -1;
    if (adjectives[a].order <= 3 && chance(0.08)) {
      const int d = pick_index(rng_, lex_.adverbs(), [](const Adverb& x) { return x.kind == AdverbKind::kDegree; });
      degree = t.add(lex_.adverbs()[d].form, lex_.adverbs()[d].form, "ADV");
    }
    out.push_back(t.add(adjectives[a].form, adjectives[a].form, "ADJ"));
    if (degree >= 0) t.attach(degree, out.back(), "advmod");
  }
}

NounPhrase SynthGrammar::noun_phrase(SynthTree& t, const NpSpec& spec, int depth) {
  const bool plain = !spec.demonstrative && !spec.indefinite && !spec.predicative && !spec.irregular &&
                     spec.adjectives <= 0 && (spec.post == PostModifier::kRandom || spec.post == PostModifier::kNone);
  if (plain && spec.pronoun_p > 0 && chance(spec.pronoun_p)) {
    NounPhrase np = pronoun_phrase(t, spec);
    if (np.head >= 0) return np;
  }
  if (plain && spec.number != Number::kPlur && (spec.classes & kHuman) != 0 && spec.name_p > 0 &&
      chance(spec.name_p)) {
    const int i = pick_index(rng_, lex_.names(), [&](const Name& n) {
      return spec.gender == Gender::kNone || n.gender == spec.gender;
    });
    NounPhrase np;
    np.head = t.add(lex_.names()[i].form, lex_.names()[i].form, "PROPN");
    np.agr.gender = lex_.names()[i].gender;
    np.agr.classes = kHuman;
    return np;
  }

  const bool forced_pp = spec.post == PostModifier::kPrepositional;
  const int n = pick_index(rng_, lex_.nouns(), [&](const Noun& x) {
    return (x.classes & spec.classes) != 0 && (spec.gender == Gender::kNone || x.gender == spec.gender) &&
           (!spec.irregular || x.irregular) && (spec.allow_invariant || !x.invariant) &&
           (!spec.predicative || (x.classes & kOccupation) != 0) && (!forced_pp || has_noun_pp(lex_, x.classes));
  });
  SASMLM_CHECK(n >= 0, "no noun fits the noun-phrase constraints");
  const Noun& noun = lex_.nouns()[n];
  const bool plural = spec.number == Number::kPlur || (spec.number == Number::kAny && chance(0.4));
  NounPhrase np;
  np.determiner = add_determiner(t, spec, plural, noun.classes);
  std::vector<int> adjectives;
  add_adjectives(t, spec, noun.classes, adjectives);
  np.head = t.add(plural ? noun.plural : noun.singular, noun.singular, "NOUN");
  if (np.determiner >= 0) t.attach(np.determiner, np.head, determiner_relation(t[np.determiner].upos));
  for (int a : adjectives) t.attach(a, np.head, "amod");
  np.agr.plural = plural;
  np.agr.classes = noun.classes;
  if (!plural && (noun.classes & kHuman) != 0) {
    // A human referent has a gender even when the noun does not show it: "the teacher ... herself".
    np.agr.gender = noun.gender != Gender::kNone ? noun.gender : chance(0.5) ? Gender::kMasc : Gender::kFem;
  }
  add_post_modifier(t, np, spec, noun, depth);
  return np;
}

NounPhrase SynthGrammar::coordinated_noun_phrase(SynthTree& t, const NpSpec& spec, int depth) {
  NpSpec first_spec = spec;
  first_spec.pronoun_p = 0;  // "the man and I", not "I and the man"
  const NounPhrase first = noun_phrase(t, first_spec, depth);
  const int cc = t.add("and", "and", "CCONJ");
  const NounPhrase second = noun_phrase(t, spec, depth);
  t.attach(cc, second.head, "cc");
  t.attach(second.head, first.head, "conj");
  NounPhrase np = first;
  np.attractor = -1;
  np.agr.person = std::min(first.agr.person, second.agr.person);
  np.agr.plural = true;
  np.agr.gender = Gender::kNone;
  np.agr.classes = first.agr.classes | second.agr.classes;
  return np;
}

void SynthGrammar::add_post_modifier(SynthTree& t, NounPhrase& np, const NpSpec& spec, const Noun& noun, int depth) {
  PostModifier kind = spec.post;
  if (kind == PostModifier::kRandom) {
    if (depth >= max_depth_) return;
    const int r = choose(rng_, {0.2, 0.15, 0.65});
    kind = r == 0 ? PostModifier::kPrepositional : r == 1 ? PostModifier::kRelative : PostModifier::kNone;
    if (kind == PostModifier::kPrepositional && !has_noun_pp(lex_, noun.classes)) kind = PostModifier::kNone;
  }
  if (kind == PostModifier::kPrepositional) add_noun_pp(t, np, spec.attractor, depth);
  if (kind == PostModifier::kRelative) add_relative_clause(t, np, spec.attractor, depth);
}

int SynthGrammar::prepositional_phrase(SynthTree& t, const char* preposition, uint16_t objects, int depth) {
  const int c = t.add(preposition, preposition, "ADP");
  NpSpec spec;
  spec.classes = objects;
  spec.nominative = false;
  spec.pronoun_p = 0.03;
  const NounPhrase np = noun_phrase(t, spec, depth);
  t.attach(c, np.head, "case");
  return np.head;
}

void SynthGrammar::add_noun_pp(SynthTree& t, NounPhrase& np, Number attractor, int depth) {
  const auto& rules = lex_.noun_prepositions();
  const int r = pick_index(rng_, rules, [&](const PrepositionRule& x) { return (x.heads & np.agr.classes) != 0; });
  SASMLM_CHECK(r >= 0, "no prepositional modifier fits the noun");
  const int c = t.add(rules[r].form, rules[r].form, "ADP");
  NpSpec spec;
  spec.classes = rules[r].objects;
  spec.nominative = false;
  spec.pronoun_p = std::string(rules[r].form) == "of" ? 0.0 : 0.03;  // "the friend of him" wants "his friend"
  make_attractor(spec, attractor);
  const NounPhrase inner = noun_phrase(t, spec, depth + 1);
  t.attach(c, inner.head, "case");
  t.attach(inner.head, np.head, "nmod");
  if (attractor != Number::kAny) np.attractor = inner.head;
}

void SynthGrammar::add_relative_clause(SynthTree& t, NounPhrase& np, Number attractor, int depth) {
  const uint16_t classes = np.agr.classes;
  const bool human = (classes & kHuman) != 0;
  // Subject gap: "the man who found the keys"; object gap: "the key (that) the men found".
  bool subject_gap = chance(0.55);
  uint16_t frame = attractor != Number::kAny || chance(0.5) ? kTransitive : kIntransitive;
  const Verb* verb = subject_gap ? pick_verb(frame, classes, 0, kInfinitive | kClause) : nullptr;
  if (verb == nullptr) {
    subject_gap = false;
    frame = kTransitive;
    const int v = pick_index(rng_, lex_.verbs(), [&](const Verb& x) {
      return (x.frames & kTransitive) != 0 && (x.objects & classes) != 0;
    });
    SASMLM_CHECK(v >= 0, "no verb can take the antecedent as subject or object");
    verb = &lex_.verbs()[v];
  }
  std::string relativizer;
  if (subject_gap) {
    relativizer = human ? (chance(0.6) ? "who" : "that") : (chance(0.5) ? "which" : "that");
  } else {
    const int r = choose(rng_, {0.3, 0.35, 0.35});  // who/which, that, none
    relativizer = r == 0 ? (human ? "who" : "which") : r == 1 ? "that" : "";
  }
  const int rel = relativizer.empty() ? -1 : t.add(relativizer, relativizer, "PRON");
  PredicateOptions options;
  options.tense = random_tense();
  options.negated = chance(0.05);
  options.extras = false;
  Predicate p;
  if (subject_gap) {
    NpSpec object;
    object.classes = verb->objects;
    make_attractor(object, attractor);
    if (attractor != Number::kAny) options.object = ObjectKind::kNounPhrase;
    options.object_spec = &object;
    p = predicate(t, *verb, frame, np.agr, options, depth + 1);
    t.attach(rel, p.head, "nsubj");
    if (attractor != Number::kAny) np.attractor = p.object;
  } else {
    NpSpec subject;
    subject.classes = verb->subjects;
    make_attractor(subject, attractor);
    const NounPhrase s = noun_phrase(t, subject, depth + 1);
    options.object_gap = true;
    p = predicate(t, *verb, kTransitive, s.agr, options, depth + 1);
    t.attach(s.head, p.head, "nsubj");
    if (rel >= 0) t.attach(rel, p.head, "obj");
    if (attractor != Number::kAny) np.attractor = s.head;
  }
  t.attach(p.head, np.head, "acl:relcl");
}

}  // namespace sasmlm
