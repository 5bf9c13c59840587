// Clauses of the synthetic grammar: sentences, declaratives, questions, verb groups, copulas, existentials.
// Noun phrases live in synth_noun_phrase.cpp.
#include "sasmlm/data/synth_grammar.h"

#include "sasmlm/core/error.h"
#include "sasmlm/data/synth_pick.h"

namespace sasmlm {
using namespace synth;

namespace {

// The shape of a verb group: which auxiliary carries tense (nullptr: the lexical verb is finite) and the form of
// the lexical verb after it.
struct VerbGroupShape {
  const char* auxiliary;  // "be", "have", "do", "modal" or nullptr
  VerbSlot slot;
};

VerbGroupShape shape_of(Tense tense, bool do_support, const Agreement& agr) {
  const bool third_singular = agr.person == 3 && !agr.plural;
  switch (tense) {
    case Tense::kPresent:
      if (do_support) return {"do", VerbSlot::kBase};
      return {nullptr, third_singular ? VerbSlot::kThird : VerbSlot::kBase};
    case Tense::kPast:
      if (do_support) return {"do", VerbSlot::kBase};
      return {nullptr, VerbSlot::kPast};
    case Tense::kPresentProgressive:
    case Tense::kPastProgressive: return {"be", VerbSlot::kGerund};
    case Tense::kPresentPerfect:
    case Tense::kPastPerfect: return {"have", VerbSlot::kParticiple};
    case Tense::kModal: return {"modal", VerbSlot::kBase};
    case Tense::kInfinitive: return {nullptr, VerbSlot::kBase};
  }
  return {nullptr, VerbSlot::kBase};
}

bool is_past(Tense tense) {
  return tense == Tense::kPast || tense == Tense::kPastProgressive || tense == Tense::kPastPerfect;
}

std::string be_form(bool past, const Agreement& a) {
  const bool plural_form = a.plural || a.person == 2;  // "you are" whatever the number
  if (past) return plural_form ? "were" : "was";
  return plural_form ? "are" : a.person == 1 ? "am" : "is";
}

// The form of auxiliary `lemma` ("be", "have", "do" or a modal) for a tense and subject.
std::string auxiliary_form(const std::string& lemma, Tense tense, const Agreement& a) {
  const bool third_singular = a.person == 3 && !a.plural;
  if (lemma == "be") return be_form(is_past(tense), a);
  if (lemma == "have") return is_past(tense) ? "had" : third_singular ? "has" : "have";
  if (lemma == "do") return is_past(tense) ? "did" : third_singular ? "does" : "do";
  return lemma;  // modals do not inflect
}

// Copular clauses have no progressive and no past perfect here.
Tense copula_tense(Tense tense) {
  switch (tense) {
    case Tense::kPresentProgressive: return Tense::kPresent;
    case Tense::kPastProgressive:
    case Tense::kPastPerfect: return Tense::kPast;
    case Tense::kInfinitive: return Tense::kPresent;
    default: return tense;
  }
}

Agreement flip_number(Agreement a) {
  a.plural = !a.plural;
  return a;
}

}  // namespace

SynthGrammar::SynthGrammar(uint64_t seed, int max_depth)
    : rng_(seed), max_depth_(max_depth), lex_(Lexicon::english()) {
  SASMLM_CHECK(max_depth >= 0, "max_depth must be >= 0");
}

Tense SynthGrammar::random_tense(bool agreeing_only) {
  if (agreeing_only) {
    const Tense kAgreeing[] = {Tense::kPresent, Tense::kPresentProgressive, Tense::kPastProgressive,
                               Tense::kPresentPerfect};
    return kAgreeing[choose(rng_, {0.5, 0.2, 0.1, 0.2})];
  }
  const Tense kAll[] = {Tense::kPresent,        Tense::kPast,        Tense::kPresentProgressive,
                        Tense::kPastProgressive, Tense::kPresentPerfect, Tense::kPastPerfect, Tense::kModal};
  return kAll[choose(rng_, {0.34, 0.34, 0.08, 0.05, 0.08, 0.03, 0.08})];
}

std::string SynthGrammar::random_modal() {
  const char* kModals[] = {"will", "can", "should", "must", "might"};
  return kModals[choose(rng_, {0.35, 0.25, 0.15, 0.1, 0.15})];
}

Tense SynthGrammar::fit_tense(const Verb* verb, Tense tense) {
  if (verb == nullptr) return copula_tense(tense);
  if ((verb->frames & kStative) != 0) {
    if (tense == Tense::kPresentProgressive) return Tense::kPresent;
    if (tense == Tense::kPastProgressive) return Tense::kPast;
  }
  return tense;
}

const Verb* SynthGrammar::pick_verb(uint16_t frame, uint16_t subject_classes, uint16_t required, uint16_t excluded) {
  const int i = pick_index(rng_, lex_.verbs(), [&](const Verb& v) {
    return (v.frames & frame) != 0 && (v.subjects & subject_classes) != 0 && (v.frames & required) == required &&
           (v.frames & excluded) == 0 && (frame != kTransitive || v.objects != 0);
  });
  return i < 0 ? nullptr : &lex_.verbs()[i];
}

std::string SynthGrammar::finite_form(const Verb* verb, Tense tense, bool do_support, const Agreement& agr,
                                      const std::string& modal) const {
  if (verb == nullptr) {  // the copula
    tense = copula_tense(tense);
    if (tense == Tense::kPresentPerfect) return auxiliary_form("have", tense, agr);
    if (tense == Tense::kModal) return modal;
    return be_form(is_past(tense), agr);
  }
  const VerbGroupShape shape = shape_of(tense, do_support, agr);
  if (shape.auxiliary == nullptr) return verb->form(shape.slot);
  return auxiliary_form(std::string(shape.auxiliary) == "modal" ? modal : shape.auxiliary, tense, agr);
}

const Pronoun& SynthGrammar::pronoun_for(const Agreement& agr) const {
  Gender gender = Gender::kNone;
  if (agr.person == 3 && !agr.plural && (agr.classes & kHuman) != 0) {
    SASMLM_CHECK(agr.gender != Gender::kNone, "a singular human referent without gender");
    gender = agr.gender;
  }
  return lex_.pronoun(agr.person, agr.plural, gender);
}

Predicate SynthGrammar::predicate(SynthTree& t, const Verb& verb, uint16_t frame, const Agreement& subject,
                                  const PredicateOptions& options, int depth) {
  SASMLM_CHECK((verb.frames & frame) != 0, std::string("verb ") + verb.base + " lacks the requested frame");
  const Tense tense = fit_tense(&verb, options.tense);
  SASMLM_CHECK(!options.inverted || tense == options.tense, "an auxiliary was fronted for an unfitted tense");
  const bool do_support = options.negated || options.inverted;
  const VerbGroupShape shape = shape_of(tense, do_support, subject);
  Predicate p;
  std::vector<std::pair<int, const char*>> pending;  // tokens before the verb, attached once it exists
  if (shape.auxiliary != nullptr && !options.inverted) {
    std::string lemma = shape.auxiliary;
    if (lemma == "modal") lemma = modal_ = random_modal();
    p.finite = t.add(auxiliary_form(lemma, tense, subject), lemma, "AUX");
    pending.push_back({p.finite, "aux"});
  }
  if (options.negated && !options.inverted) pending.push_back({t.add("not", "not", "PART"), "advmod"});
  if (options.extras && !options.negated && tense != Tense::kInfinitive && chance(0.06)) {
    const int a = pick_index(rng_, lex_.adverbs(), [](const Adverb& x) { return x.kind == AdverbKind::kFrequency; });
    pending.push_back({t.add(lex_.adverbs()[a].form, lex_.adverbs()[a].form, "ADV"), "advmod"});
  }
  p.slot = shape.slot;
  p.verb = p.head = t.add(verb.form(shape.slot), verb.base, "VERB");
  for (const auto& [token, relation] : pending) t.attach(token, p.verb, relation);
  if (!options.inverted && tense != Tense::kInfinitive) {
    if (p.finite < 0) p.finite = p.verb;
    p.finite_flipped = finite_form(&verb, tense, do_support, flip_number(subject), modal_);
  }

  if (frame == kTransitive && !options.object_gap) {
    const bool reflexive = options.object == ObjectKind::kReflexive ||
                           (options.object == ObjectKind::kRandom && (verb.frames & kReflexive) != 0 &&
                            (subject.classes & kAnimate) != 0 && chance(0.08));
    if (reflexive) {
      const Pronoun& pron = pronoun_for(subject);
      p.object = t.add(pron.reflexive, pron.lemma(), "PRON");
    } else {
      NpSpec spec = options.object_spec != nullptr ? *options.object_spec : NpSpec{};
      spec.classes = options.object_spec != nullptr ? (spec.classes & verb.objects) : verb.objects;
      SASMLM_CHECK(spec.classes != 0, std::string("object constraints exclude every object of ") + verb.base);
      spec.nominative = false;
      p.object = noun_phrase(t, spec, depth).head;
    }
    t.attach(p.object, p.verb, "obj");
  } else if (frame == kClause) {
    const int mark = chance(0.6) ? t.add("that", "that", "SCONJ") : -1;
    const int head = declarative(t, depth + 1);
    if (mark >= 0) t.attach(mark, head, "mark");
    t.attach(head, p.verb, "ccomp");
  } else if (frame == kInfinitive) {
    // Subject control: the infinitive's understood subject is the matrix subject ("wants to hurt himself").
    uint16_t inner_frame = chance(0.5) ? kTransitive : kIntransitive;
    const Verb* inner = pick_verb(inner_frame, subject.classes, 0, kInfinitive | kClause);
    if (inner == nullptr) {
      inner_frame = inner_frame == kTransitive ? kIntransitive : kTransitive;
      inner = pick_verb(inner_frame, subject.classes, 0, kInfinitive | kClause);
    }
    SASMLM_CHECK(inner != nullptr, "no verb for an infinitival complement");
    const int to = t.add("to", "to", "PART");
    PredicateOptions inner_options;
    inner_options.tense = Tense::kInfinitive;
    inner_options.extras = false;
    const Predicate q = predicate(t, *inner, inner_frame, subject, inner_options, depth + 1);
    t.attach(to, q.head, "mark");
    t.attach(q.head, p.verb, "xcomp");
  }

  if (options.extras && frame != kClause) {  // after a complement clause a modifier would attach ambiguously
    if (chance(0.18)) {
      const auto& rules = lex_.verb_prepositions();
      const int r = pick_index(rng_, rules, [&](const PrepositionRule& x) { return (x.heads & subject.classes) != 0; });
      if (r >= 0) t.attach(prepositional_phrase(t, rules[r].form, rules[r].objects, depth + 1), p.verb, "obl");
    }
    if ((subject.classes & kAnimate) != 0 && chance(0.06)) {
      const int a = pick_index(rng_, lex_.adverbs(), [](const Adverb& x) { return x.kind == AdverbKind::kManner; });
      t.attach(t.add(lex_.adverbs()[a].form, lex_.adverbs()[a].form, "ADV"), p.verb, "advmod");
    }
  }
  return p;
}

Predicate SynthGrammar::copular_predicate(SynthTree& t, const Agreement& subject, const PredicateOptions& options,
                                          int depth) {
  const Tense tense = copula_tense(options.tense);
  Predicate p;
  std::vector<std::pair<int, const char*>> pending;
  if (!options.inverted) {
    if (tense == Tense::kPresentPerfect || tense == Tense::kModal) {
      const std::string lemma = tense == Tense::kModal ? (modal_ = random_modal()) : std::string("have");
      p.finite = t.add(auxiliary_form(lemma, tense, subject), lemma, "AUX");
      pending.push_back({p.finite, "aux"});
      if (options.negated) pending.push_back({t.add("not", "not", "PART"), "advmod"});
      pending.push_back({t.add(tense == Tense::kModal ? "be" : "been", "be", "AUX"), "cop"});
    } else {
      p.finite = t.add(be_form(is_past(tense), subject), "be", "AUX");
      pending.push_back({p.finite, "cop"});
      if (options.negated) pending.push_back({t.add("not", "not", "PART"), "advmod"});
    }
    p.finite_flipped = finite_form(nullptr, tense, false, flip_number(subject), modal_);
  }
  const auto& adjectives = lex_.adjectives();
  auto adjective_fits = [&](const Adjective& a) { return (a.nouns & subject.classes) != 0; };
  const auto& locatives = lex_.locative_prepositions();
  auto locative_fits = [&](const PrepositionRule& r) { return (r.heads & subject.classes) != 0; };
  const bool has_adjective = pick_index(rng_, adjectives, adjective_fits) >= 0;
  const bool has_locative = pick_index(rng_, locatives, locative_fits) >= 0;
  SASMLM_CHECK(has_adjective || has_locative, "no predicate fits the subject");
  int kind = choose(rng_, {has_adjective ? 0.5 : 0.0, has_locative ? 0.3 : 0.0,
                           (subject.classes & kHuman) != 0 ? 0.2 : 0.0});
  if (kind == 0) {
    int degree = -1;
    if (chance(0.12)) {
      const char* form = chance(0.6) ? "very" : "quite";
      degree = t.add(form, form, "ADV");
    }
    const Adjective& a = adjectives[pick_index(rng_, adjectives, adjective_fits)];
    p.head = t.add(a.form, a.form, "ADJ");
    if (degree >= 0) t.attach(degree, p.head, "advmod");
  } else if (kind == 1) {
    const int r = pick_index(rng_, locatives, locative_fits);
    SASMLM_CHECK(r >= 0, "no locative preposition fits the subject");
    p.head = prepositional_phrase(t, locatives[r].form, locatives[r].objects, depth + 1);
  } else {
    NpSpec spec;
    spec.predicative = true;
    spec.classes = kOccupation;
    spec.number = subject.plural ? Number::kPlur : Number::kSing;
    spec.nominative = false;
    spec.post = PostModifier::kNone;
    p.head = noun_phrase(t, spec, depth + 1).head;
  }
  for (const auto& [token, relation] : pending) t.attach(token, p.head, relation);
  return p;
}

int SynthGrammar::existential(SynthTree& t, Number number, Tense tense, int depth, Predicate* predicate) {
  SASMLM_CHECK(number != Number::kAny && (tense == Tense::kPresent || tense == Tense::kPast),
               "existential needs a number and a simple tense");
  Agreement pivot;
  pivot.plural = number == Number::kPlur;
  const int there = t.add("there", "there", "PRON");
  const int be = t.add(be_form(tense == Tense::kPast, pivot), "be", "VERB");
  NpSpec spec;
  spec.number = number;
  spec.indefinite = true;
  spec.pronoun_p = 0;
  spec.name_p = 0;
  spec.allow_invariant = predicate == nullptr;  // "There is/are some sheep" would make a pair ambiguous
  const NounPhrase np = noun_phrase(t, spec, depth);
  if (chance(0.6)) {
    const auto& rules = lex_.locative_prepositions();
    const int r = pick_index(rng_, rules, [&](const PrepositionRule& x) { return (x.heads & np.agr.classes) != 0; });
    if (r >= 0) t.attach(prepositional_phrase(t, rules[r].form, rules[r].objects, depth + 1), be, "obl");
  }
  t.attach(there, be, "expl");
  t.attach(np.head, be, "nsubj");
  if (predicate != nullptr) {
    predicate->head = be;
    predicate->finite = be;
    predicate->finite_flipped = be_form(tense == Tense::kPast, flip_number(pivot));
  }
  return be;
}

int SynthGrammar::declarative(SynthTree& t, int depth) {
  const int kind = choose(rng_, {0.74, 0.2, 0.06});  // verbal, copular, existential
  if (kind == 2) {
    return existential(t, chance(0.5) ? Number::kSing : Number::kPlur, chance(0.6) ? Tense::kPresent : Tense::kPast,
                       depth);
  }
  PredicateOptions options;
  options.tense = random_tense();
  options.negated = chance(0.08);
  if (kind == 1) {
    NpSpec spec;
    const NounPhrase subject = chance(0.04) ? coordinated_noun_phrase(t, spec, depth) : noun_phrase(t, spec, depth);
    const Predicate p = copular_predicate(t, subject.agr, options, depth);
    t.attach(subject.head, p.head, "nsubj");
    return p.head;
  }
  const bool embed = depth < max_depth_;
  const uint16_t kFrames[] = {kIntransitive, kTransitive, kClause, kInfinitive};
  const uint16_t frame = kFrames[choose(rng_, {0.32, 0.48, embed ? 0.1 : 0.0, embed ? 0.1 : 0.0})];
  const Verb* verb = pick_verb(frame, kAnyClass);
  SASMLM_CHECK(verb != nullptr, "no verb for a frame");
  NpSpec spec;
  spec.classes = verb->subjects;
  const NounPhrase subject = chance(0.04) ? coordinated_noun_phrase(t, spec, depth) : noun_phrase(t, spec, depth);
  const Predicate p = predicate(t, *verb, frame, subject.agr, options, depth);
  t.attach(subject.head, p.head, "nsubj");
  if ((options.tense == Tense::kPresent || options.tense == Tense::kPast) && !options.negated && chance(0.05)) {
    // Verb-phrase coordination sharing the subject: "The dog ran and barked."
    const uint16_t second_frame = chance(0.5) ? kIntransitive : kTransitive;
    const Verb* second = pick_verb(second_frame, subject.agr.classes);
    if (second != nullptr) {
      const int cc = t.add("and", "and", "CCONJ");
      PredicateOptions second_options = options;
      second_options.extras = false;
      const Predicate q = predicate(t, *second, second_frame, subject.agr, second_options, depth);
      t.attach(cc, q.head, "cc");
      t.attach(q.head, p.head, "conj");
    }
  }
  return p.head;
}

int SynthGrammar::add_inverted_auxiliary(SynthTree& t, Tense tense, bool copula) {
  if (copula) return t.add("", "be", "AUX");
  const char* auxiliary = shape_of(tense, true, Agreement{}).auxiliary;
  SASMLM_CHECK(auxiliary != nullptr, "no auxiliary to front for this tense");
  std::string lemma = auxiliary;
  if (lemma == "modal") lemma = modal_ = random_modal();
  return t.add("", lemma, "AUX");
}

std::string SynthGrammar::fill_inverted(SynthTree& t, int auxiliary, Tense tense, const Agreement& subject) {
  const std::string& lemma = t[auxiliary].lemma;
  t[auxiliary].form = auxiliary_form(lemma, tense, subject);
  return auxiliary_form(lemma, tense, flip_number(subject));
}

int SynthGrammar::question(SynthTree& t, int depth) {
  const int kind = choose(rng_, {0.6, 0.2, 0.2});  // yes/no, wh-subject, wh-object
  int head = -1;
  if (kind == 0) {
    const bool copula = chance(0.25);
    const uint16_t frame = chance(0.5) ? kTransitive : kIntransitive;
    const Verb* verb = copula ? nullptr : pick_verb(frame, kAnyClass);
    const Tense tense = copula ? (chance(0.6) ? Tense::kPresent : Tense::kPast) : fit_tense(verb, random_tense());
    const int aux = add_inverted_auxiliary(t, tense, copula);
    NpSpec spec;
    if (verb != nullptr) spec.classes = verb->subjects;
    const NounPhrase subject = noun_phrase(t, spec, depth);
    fill_inverted(t, aux, tense, subject.agr);
    PredicateOptions options;
    options.tense = tense;
    options.inverted = true;
    const Predicate p = copula ? copular_predicate(t, subject.agr, options, depth)
                               : predicate(t, *verb, frame, subject.agr, options, depth);
    t.attach(aux, p.head, copula ? "cop" : "aux");
    t.attach(subject.head, p.head, "nsubj");
    head = p.head;
  } else if (kind == 1) {
    const bool who = chance(0.5);
    Agreement agr;
    agr.classes = who ? uint16_t(kHuman) : uint16_t(kAnyClass & ~kHuman);
    agr.gender = who ? (chance(0.5) ? Gender::kMasc : Gender::kFem) : Gender::kNone;
    uint16_t frame = chance(0.5) ? kTransitive : kIntransitive;
    const Verb* verb = pick_verb(frame, agr.classes);
    if (verb == nullptr) verb = pick_verb(frame = kIntransitive, agr.classes);
    SASMLM_CHECK(verb != nullptr, "no verb for a wh-subject question");
    const int wh = t.add(who ? "who" : "what", who ? "who" : "what", "PRON");
    PredicateOptions options;
    options.tense = random_tense();
    options.object = ObjectKind::kNounPhrase;  // "Who hurt himself?" presumes a gender
    const Predicate p = predicate(t, *verb, frame, agr, options, depth);
    t.attach(wh, p.head, "nsubj");
    head = p.head;
  } else {
    const Verb* verb = pick_verb(kTransitive, kAnyClass);
    SASMLM_CHECK(verb != nullptr, "no transitive verb");
    const bool who = (verb->objects & kHuman) != 0 && ((verb->objects & ~kHuman) == 0 || chance(0.5));
    const int wh = t.add(who ? "who" : "what", who ? "who" : "what", "PRON");
    const Tense tense = fit_tense(verb, random_tense());
    const int aux = add_inverted_auxiliary(t, tense, false);
    NpSpec spec;
    spec.classes = verb->subjects;
    const NounPhrase subject = noun_phrase(t, spec, depth);
    fill_inverted(t, aux, tense, subject.agr);
    PredicateOptions options;
    options.tense = tense;
    options.inverted = true;
    options.object_gap = true;
    const Predicate p = predicate(t, *verb, kTransitive, subject.agr, options, depth);
    t.attach(wh, p.head, "obj");
    t.attach(aux, p.head, "aux");
    t.attach(subject.head, p.head, "nsubj");
    head = p.head;
  }
  t.attach(t.add("?", "?", "PUNCT"), head, "punct");
  return head;
}

ConlluSentence SynthGrammar::sentence() {
  SynthTree t;
  int root = -1;
  if (chance(0.1)) {
    root = question(t, 0);
  } else {
    root = declarative(t, 0);
    if (chance(0.06)) {  // clause coordination: "The dog slept, but the cat ran."
      const int comma = chance(0.4) ? t.add(",", ",", "PUNCT") : -1;
      const char* kConjunctions[] = {"and", "but", "or"};
      const char* c = kConjunctions[choose(rng_, {0.6, 0.3, 0.1})];
      const int cc = t.add(c, c, "CCONJ");
      const int second = declarative(t, 0);
      if (comma >= 0) t.attach(comma, second, "punct");
      t.attach(cc, second, "cc");
      t.attach(second, root, "conj");
    }
    t.attach(t.add(".", ".", "PUNCT"), root, "punct");
  }
  t.attach(root, -1, "root");
  return t.finish();
}

}  // namespace sasmlm
