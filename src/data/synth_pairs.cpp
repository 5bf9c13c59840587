#include "sasmlm/data/synth_pairs.h"

#include <unordered_set>

#include "sasmlm/core/checksum.h"
#include "sasmlm/core/error.h"
#include "sasmlm/data/synth_grammar.h"
#include "sasmlm/data/synth_pick.h"

namespace sasmlm {
using namespace synth;

namespace {

const std::vector<SynthParadigm> kParadigms = {
    {"determiner_noun_agreement", "morphology", "determiner_noun_agreement",
     "The man found this key. / The man found these key."},
    {"determiner_noun_agreement_irregular", "morphology", "determiner_noun_agreement",
     "These mice slept. / This mice slept."},
    {"determiner_adjective_noun_agreement", "morphology", "determiner_noun_agreement",
     "Those old keys fell. / That old keys fell."},
    {"subject_verb_agreement_simple", "morphology", "subject_verb_agreement",
     "The dog sleeps. / The dog sleep."},
    {"irregular_plural_subject_verb_agreement", "morphology", "subject_verb_agreement",
     "The children are laughing. / The children is laughing."},
    {"agreement_across_pp_attractor", "morphology", "subject_verb_agreement",
     "The key on the tables is red. / The key on the tables are red."},
    {"agreement_across_relative_clause", "morphology", "subject_verb_agreement",
     "The man that the dogs like sleeps. / The man that the dogs like sleep."},
    {"subject_aux_agreement_question", "morphology", "subject_verb_agreement",
     "Does the man sleep? / Do the man sleep?"},
    {"coordinated_subject_agreement", "morphology", "subject_verb_agreement",
     "The man and the woman have left. / The man and the woman has left."},
    {"existential_there_agreement", "morphology", "subject_verb_agreement",
     "There are two keys. / There is two keys."},
    {"anaphor_number_agreement", "morphology", "anaphor_agreement",
     "The men hurt themselves. / The men hurt himself."},
    {"anaphor_gender_agreement", "morphology", "anaphor_agreement",
     "Mary saw herself. / Mary saw himself."},
    {"irregular_past_participle_verbs", "morphology", "irregular_forms",
     "The boy broke the cup. / The boy broken the cup."},
    {"transitive_missing_object", "syntax", "argument_structure",
     "The girl found the key. / The girl found."},
    {"intransitive_with_object", "syntax", "argument_structure",
     "The girl found the key. / The girl slept the key."},
};

Number opposite(Number n) { return n == Number::kSing ? Number::kPlur : Number::kSing; }

// Adds the final punctuation and the root, then renders the pair with `position`'s form replaced.
MinimalPair substitution_pair(SynthTree& t, int root, int position, const std::string& bad_form,
                              const char* mark = ".") {
  SASMLM_CHECK(position >= 0 && !bad_form.empty() && bad_form != t[position].form, "no alternation to apply");
  if (mark != nullptr) t.attach(t.add(mark, mark, "PUNCT"), root, "punct");
  t.attach(root, -1, "root");
  MinimalPair pair;
  pair.good = t.finish();
  t[position].form = bad_form;
  pair.bad = t.finish();
  return pair;
}

// A random frame the verb offers among intransitive and transitive.
uint16_t simple_frame(SynthGrammar& g, const Verb& v) {
  const bool tr = (v.frames & kTransitive) != 0, in = (v.frames & kIntransitive) != 0;
  if (tr && in) return g.chance(0.5) ? kTransitive : kIntransitive;
  return tr ? kTransitive : kIntransitive;
}

// A verb for agreement pairs. Verbs whose base form is also their past ("read", "hurt") are left out: the
// "bad" sentence "The woman read." would be a grammatical past tense.
const Verb& agreement_verb(SynthGrammar& g, uint16_t subject_classes) {
  const int v = pick_index(g.rng(), g.lexicon().verbs(), [&](const Verb& x) {
    return (x.frames & (kTransitive | kIntransitive)) != 0 && (x.subjects & subject_classes) != 0 &&
           std::string(x.base) != x.past;
  });
  SASMLM_CHECK(v >= 0, "no verb for the subject classes");
  return g.lexicon().verbs()[v];
}

// An agreeing tense the verb can take (statives lose the progressive; the past progressive becomes the
// present, keeping agreement visible).
Tense agreeing_tense(SynthGrammar& g, const Verb* verb) {
  const Tense tense = SynthGrammar::fit_tense(verb, g.random_tense(true));
  return tense == Tense::kPast ? Tense::kPresent : tense;
}

PredicateOptions plain_options(Tense tense) {
  PredicateOptions o;
  o.tense = tense;
  o.extras = false;
  return o;
}

// "this key" / "these key": the determiner alternates, as subject or object.
MinimalPair determiner_pair(SynthGrammar& g, bool irregular, bool adjectives) {
  const auto& nouns = g.lexicon().nouns();
  auto noun_fits = [&](uint16_t classes) {
    for (const Noun& n : nouns) {
      if ((n.classes & classes) != 0 && !n.invariant && (!irregular || n.irregular)) return true;
    }
    return false;
  };
  const bool as_object = g.chance(0.6);
  NpSpec target;
  target.demonstrative = true;
  target.adjectives = adjectives ? 1 + static_cast<int>(g.rng().below(2)) : 0;
  target.irregular = irregular;
  target.allow_invariant = false;
  target.post = PostModifier::kNone;
  const int v = pick_index(g.rng(), g.lexicon().verbs(), [&](const Verb& x) {
    return (x.frames & kTransitive) != 0 && noun_fits(as_object ? x.objects : x.subjects);
  });
  const Verb& verb = g.lexicon().verbs()[v];
  SynthTree t;
  PredicateOptions options = plain_options(g.random_tense());
  options.object = ObjectKind::kNounPhrase;
  int determiner = -1;
  NpSpec subject_spec = target;
  if (as_object) {
    subject_spec = NpSpec{};
    subject_spec.post = PostModifier::kNone;
    target.classes = verb.objects;
    options.object_spec = &target;
  }
  subject_spec.classes = verb.subjects;
  const NounPhrase subject = g.noun_phrase(t, subject_spec, 0);
  if (!as_object) determiner = subject.determiner;
  const Predicate p = g.predicate(t, verb, kTransitive, subject.agr, options, 0);
  t.attach(subject.head, p.head, "nsubj");
  if (as_object) {
    for (int i = 0; i < t.size(); ++i) {
      if (t[i].head == p.object && std::string(t[i].deprel) == "det") determiner = i;
    }
  }
  return substitution_pair(t, p.head, determiner, g.lexicon().demonstrative_counterpart(t[determiner].form));
}

// Subject-verb agreement with the subject built by `spec` (or a coordination of two singulars).
MinimalPair agreement_pair(SynthGrammar& g, NpSpec spec, bool coordinated) {
  spec.third_person = true;
  spec.allow_invariant = false;
  const bool copula = g.chance(0.3);
  const Verb* verb = nullptr;
  if (!copula) {
    verb = &agreement_verb(g, spec.classes);
    spec.classes &= verb->subjects;
  }
  SynthTree t;
  const NounPhrase subject = coordinated ? g.coordinated_noun_phrase(t, spec, 0) : g.noun_phrase(t, spec, 0);
  PredicateOptions options = plain_options(agreeing_tense(g, verb));
  options.negated = g.chance(0.1);
  const Predicate p = copula ? g.copular_predicate(t, subject.agr, options, 0)
                             : g.predicate(t, *verb, simple_frame(g, *verb), subject.agr, options, 0);
  t.attach(subject.head, p.head, "nsubj");
  return substitution_pair(t, p.head, p.finite, p.finite_flipped);
}

MinimalPair question_pair(SynthGrammar& g) {
  const bool copula = g.chance(0.3);
  const Verb* verb = copula ? nullptr : &agreement_verb(g, kAnyClass);
  const Tense tense = copula ? (g.chance(0.5) ? Tense::kPresent : Tense::kPast) : agreeing_tense(g, verb);
  SynthTree t;
  const int aux = g.add_inverted_auxiliary(t, tense, copula);
  NpSpec spec;
  spec.third_person = true;
  spec.allow_invariant = false;
  spec.post = PostModifier::kNone;
  if (verb != nullptr) spec.classes = verb->subjects;
  const NounPhrase subject = g.noun_phrase(t, spec, 0);
  const std::string flipped = g.fill_inverted(t, aux, tense, subject.agr);
  PredicateOptions options = plain_options(tense);
  options.inverted = true;
  const Predicate p = copula ? g.copular_predicate(t, subject.agr, options, 0)
                             : g.predicate(t, *verb, simple_frame(g, *verb), subject.agr, options, 0);
  t.attach(aux, p.head, copula ? "cop" : "aux");
  t.attach(subject.head, p.head, "nsubj");
  return substitution_pair(t, p.head, aux, flipped, "?");
}

MinimalPair existential_pair(SynthGrammar& g) {
  SynthTree t;
  Predicate p;
  g.existential(t, g.chance(0.5) ? Number::kSing : Number::kPlur, g.chance(0.6) ? Tense::kPresent : Tense::kPast, 0,
                &p);
  return substitution_pair(t, p.head, p.finite, p.finite_flipped);
}

// A reflexive object; `gender` pairs swap himself/herself, the others swap number.
MinimalPair anaphor_pair(SynthGrammar& g, bool gender) {
  const Verb* verb = g.pick_verb(kTransitive, kHuman, kReflexive);
  SASMLM_CHECK(verb != nullptr, "no reflexive verb");
  NpSpec spec;
  spec.classes = kHuman;
  spec.third_person = true;
  spec.allow_invariant = false;
  spec.post = PostModifier::kNone;
  spec.name_p = 0.25;
  spec.number = gender || g.chance(0.5) ? Number::kSing : Number::kPlur;
  // Singular antecedents are lexically gendered (John, the woman, he), so "themselves" cannot be singular they.
  if (spec.number == Number::kSing) spec.gender = g.chance(0.5) ? Gender::kMasc : Gender::kFem;
  SynthTree t;
  const NounPhrase subject = g.noun_phrase(t, spec, 0);
  PredicateOptions options = plain_options(g.random_tense());
  options.object = ObjectKind::kReflexive;
  const Predicate p = g.predicate(t, *verb, kTransitive, subject.agr, options, 0);
  t.attach(subject.head, p.head, "nsubj");
  Agreement wrong = subject.agr;
  if (gender) {
    wrong.gender = subject.agr.gender == Gender::kMasc ? Gender::kFem : Gender::kMasc;
  } else {
    wrong.plural = !subject.agr.plural;
    wrong.gender = wrong.plural ? Gender::kNone : (g.chance(0.5) ? Gender::kMasc : Gender::kFem);
  }
  return substitution_pair(t, p.head, p.object, g.pronoun_for(wrong).reflexive);
}

// "broke" / "broken" without an auxiliary, "has broken" / "has broke" with one.
MinimalPair participle_pair(SynthGrammar& g) {
  const int v = pick_index(g.rng(), g.lexicon().verbs(), [](const Verb& x) {
    // A participle equal to the base ("run") would make "The dogs run." grammatical.
    return x.irregular_participle() && std::string(x.participle) != x.base &&
           (x.frames & (kTransitive | kIntransitive)) != 0;
  });
  const Verb& verb = g.lexicon().verbs()[v];
  const bool perfect = g.chance(0.35);
  SynthTree t;
  NpSpec spec;
  spec.classes = verb.subjects;
  spec.post = PostModifier::kNone;
  const NounPhrase subject = g.noun_phrase(t, spec, 0);
  PredicateOptions options = plain_options(perfect ? Tense::kPresentPerfect : Tense::kPast);
  options.object = ObjectKind::kNounPhrase;
  const Predicate p = g.predicate(t, verb, simple_frame(g, verb), subject.agr, options, 0);
  t.attach(subject.head, p.head, "nsubj");
  return substitution_pair(t, p.head, p.verb, perfect ? verb.past : verb.participle);
}

// Transitive verb with its object (good) against the same sentence without the object, or with the verb
// replaced by a strictly intransitive one in the same form.
MinimalPair argument_pair(SynthGrammar& g, bool drop_object) {
  const Verb* verb = g.pick_verb(kTransitive, kAnyClass, kNeedsObject);
  SASMLM_CHECK(verb != nullptr, "no verb that needs an object");
  const Verb* intransitive = nullptr;
  uint16_t subject_classes = verb->subjects;
  if (!drop_object) {
    intransitive = g.pick_verb(kIntransitive, verb->subjects, kNoObject);
    SASMLM_CHECK(intransitive != nullptr, "no strictly intransitive verb shares the subjects");
    subject_classes &= intransitive->subjects;
  }
  SynthTree t;
  NpSpec spec;
  spec.classes = subject_classes;
  spec.post = PostModifier::kNone;
  const NounPhrase subject = g.noun_phrase(t, spec, 0);
  PredicateOptions options = plain_options(g.random_tense());
  options.object = ObjectKind::kNounPhrase;
  const Predicate p = g.predicate(t, *verb, kTransitive, subject.agr, options, 0);
  t.attach(subject.head, p.head, "nsubj");
  if (!drop_object) return substitution_pair(t, p.head, p.verb, intransitive->form(p.slot));
  t.attach(t.add(".", ".", "PUNCT"), p.head, "punct");
  t.attach(p.head, -1, "root");
  MinimalPair pair;
  pair.good = t.finish();
  pair.bad = t.without_subtree(p.object).finish();
  return pair;
}

}  // namespace

const std::vector<SynthParadigm>& synth_paradigms() { return kParadigms; }

MinimalPair make_minimal_pair(SynthGrammar& g, const std::string& uid) {
  NpSpec spec;
  spec.post = PostModifier::kNone;
  spec.pronoun_p = 0.15;
  spec.name_p = 0.1;
  if (uid == "determiner_noun_agreement") return determiner_pair(g, false, false);
  if (uid == "determiner_noun_agreement_irregular") return determiner_pair(g, true, false);
  if (uid == "determiner_adjective_noun_agreement") return determiner_pair(g, false, true);
  if (uid == "subject_verb_agreement_simple") return agreement_pair(g, spec, false);
  if (uid == "irregular_plural_subject_verb_agreement") {
    spec.irregular = true;
    spec.classes = kHuman | kAnimal | kThing;  // the classes with irregular plurals
    return agreement_pair(g, spec, false);
  }
  if (uid == "agreement_across_pp_attractor" || uid == "agreement_across_relative_clause") {
    const bool pp = uid == "agreement_across_pp_attractor";
    spec.post = pp ? PostModifier::kPrepositional : PostModifier::kRelative;
    spec.number = g.chance(0.5) ? Number::kSing : Number::kPlur;
    spec.attractor = opposite(spec.number);
    spec.classes = pp ? uint16_t(kAnyClass & ~kEvent) : kAnyClass;  // events take no noun modifier here
    return agreement_pair(g, spec, false);
  }
  if (uid == "subject_aux_agreement_question") return question_pair(g);
  if (uid == "coordinated_subject_agreement") {
    spec.number = Number::kSing;
    spec.pronoun_p = 0;
    return agreement_pair(g, spec, true);
  }
  if (uid == "existential_there_agreement") return existential_pair(g);
  if (uid == "anaphor_number_agreement") return anaphor_pair(g, false);
  if (uid == "anaphor_gender_agreement") return anaphor_pair(g, true);
  if (uid == "irregular_past_participle_verbs") return participle_pair(g);
  if (uid == "transitive_missing_object") return argument_pair(g, true);
  if (uid == "intransitive_with_object") return argument_pair(g, false);
  std::string known;
  for (const auto& p : kParadigms) known += std::string(known.empty() ? "" : ", ") + p.uid;
  throw UserError("unknown synthetic BLiMP paradigm '" + uid + "' (known: " + known + ")");
}

std::vector<MinimalPair> make_minimal_pairs(uint64_t seed, int max_depth, const std::string& uid, int64_t count) {
  // Seeded by the paradigm's name, so adding a paradigm or changing the corpus size leaves the others unchanged.
  SynthGrammar grammar(derive_key(seed, 0x5041495253ull, crc32(uid)), max_depth);
  std::vector<MinimalPair> pairs;
  std::unordered_set<std::string> seen;
  const int64_t max_attempts = 20 * count + 100;
  for (int64_t attempt = 0; attempt < max_attempts && static_cast<int64_t>(pairs.size()) < count; ++attempt) {
    MinimalPair pair = make_minimal_pair(grammar, uid);
    if (!seen.insert(pair.good.text + '\n' + pair.bad.text).second) continue;  // duplicates add nothing
    pairs.push_back(std::move(pair));
  }
  return pairs;
}

}  // namespace sasmlm
