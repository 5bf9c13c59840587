// BLiMP-schema minimal pairs: each pair differs only in the feature its paradigm claims, checked word by word
// against the lexicon's analyses and the good sentence's gold parse.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "sasmlm/core/error.h"
#include "sasmlm/data/synth.h"
#include "synth_checks.h"
#include "test_util.h"

namespace sasmlm {
namespace {

using test::dependents;
using test::feature;
using test::readings;

constexpr int kPairsPerParadigm = 150;

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The subtree of word i as a sorted list of indices.
std::vector<int> subtree(const ConlluSentence& s, int i) {
  std::vector<int> out;
  for (int k = 0; k < static_cast<int>(s.words.size()); ++k) {
    int w = k;
    while (w >= 0 && w != i) w = s.words[w].head - 1;
    if (w == i) out.push_back(k);
  }
  return out;
}

// Number of a nominal word ("meeting" is also a gerund; only nominal readings count).
std::set<std::string> numbers_of(const ConlluSentence& s, int i) {
  std::set<std::string> out;
  for (const auto& a : readings(s, i)) {
    if (a.upos == "NOUN" || a.upos == "PROPN" || a.upos == "PRON") out.insert(feature(a.features(), "Number"));
  }
  return out;
}

const synth::Noun* noun_lexeme(const std::string& form) {
  for (const auto& n : test::lexicon().nouns()) {
    if (lower(form) == n.singular || lower(form) == n.plural) return &n;
  }
  return nullptr;
}

// Determiner paradigms: this/these, that/those before a noun.
void check_determiner(const std::string& uid, const ConlluSentence& good, int i) {
  const auto g = readings(good, i);
  ASSERT_EQ(good.words[i].deprel, "det");
  const int noun = good.words[i].head - 1;
  const std::string det_number = feature(g.front().features(), "Number");
  EXPECT_EQ(numbers_of(good, noun), std::set<std::string>{det_number}) << "noun and good determiner disagree";
  const synth::Noun* lexeme = noun_lexeme(good.words[noun].form);
  ASSERT_NE(lexeme, nullptr);
  if (uid == "determiner_noun_agreement_irregular") {
    EXPECT_TRUE(lexeme->irregular);
  }
  int adjectives = 0;
  for (int a : dependents(good, noun, "amod")) adjectives += (a > i && a < noun);
  EXPECT_EQ(adjectives > 0, uid == "determiner_adjective_noun_agreement");
}

// Subject-verb agreement paradigms: the finite word changes number; the good one agrees with the subject.
void check_agreement(const std::string& uid, const ConlluSentence& good, const ConlluSentence& bad, int i) {
  const std::string& rel = good.words[i].deprel;
  const int predicate = (rel == "aux" || rel == "cop") ? good.words[i].head - 1 : i;
  const auto subjects = dependents(good, predicate, "nsubj");
  ASSERT_EQ(subjects.size(), 1u);
  const int subject = subjects[0];
  const auto features = test::subject_readings(good, subject);
  EXPECT_TRUE(test::finite_agrees(readings(good, i), features));
  EXPECT_FALSE(test::finite_agrees(readings(bad, i), features));
  const std::set<std::string> subject_numbers = numbers_of(good, subject);
  auto has_opposite_noun = [&](const std::vector<int>& words) {
    for (int w : words) {
      if (w == subject || good.words[w].upos != "NOUN") continue;
      const auto n = numbers_of(good, w);
      if (n.size() == 1 && subject_numbers.size() == 1 && *n.begin() != *subject_numbers.begin()) return true;
    }
    return false;
  };
  if (uid == "agreement_across_pp_attractor") {
    const auto nmods = dependents(good, subject, "nmod");
    ASSERT_EQ(nmods.size(), 1u);
    EXPECT_TRUE(has_opposite_noun({nmods[0]}));
    EXPECT_LT(nmods[0], i) << "the attractor must stand between subject and verb";
  } else if (uid == "agreement_across_relative_clause") {
    const auto relatives = dependents(good, subject, "acl:relcl");
    ASSERT_EQ(relatives.size(), 1u);
    EXPECT_TRUE(has_opposite_noun(subtree(good, relatives[0])));
    EXPECT_LT(relatives[0], i);
  } else if (uid == "subject_aux_agreement_question") {
    EXPECT_EQ(i, 0);
    EXPECT_GT(subject, i);
    EXPECT_EQ(good.words.back().form, "?");
  } else if (uid == "coordinated_subject_agreement") {
    ASSERT_EQ(dependents(good, subject, "conj").size(), 1u);
    EXPECT_EQ(numbers_of(good, subject), std::set<std::string>{"Sing"}) << "both conjuncts are singular";
  } else if (uid == "existential_there_agreement") {
    ASSERT_EQ(dependents(good, predicate, "expl").size(), 1u);
    EXPECT_GT(subject, i);
  } else {
    EXPECT_TRUE(dependents(good, subject, "nmod").empty() && dependents(good, subject, "acl:relcl").empty())
        << "no attractor in the simple paradigms";
    if (uid == "irregular_plural_subject_verb_agreement") {
      const synth::Noun* lexeme = noun_lexeme(good.words[subject].form);
      ASSERT_NE(lexeme, nullptr);
      EXPECT_TRUE(lexeme->irregular && !lexeme->invariant);
    }
  }
}

// Reflexive paradigms: the good reflexive matches its subject in number and gender, the bad one does not.
void check_anaphor(const ConlluSentence& good, const ConlluSentence& bad, int i) {
  const int verb = good.words[i].head - 1;
  const auto subjects = dependents(good, verb, "nsubj");
  ASSERT_EQ(subjects.size(), 1u);
  auto fits = [&](const ConlluSentence& s) {
    const test::Features r = readings(s, i).front().features();
    EXPECT_EQ(feature(r, "Reflex"), "Yes");
    for (const auto& f : test::subject_readings(good, subjects[0])) {
      if (feature(f, "Number") == feature(r, "Number") &&
          (feature(r, "Gender").empty() || feature(f, "Gender") == feature(r, "Gender"))) {
        return true;
      }
    }
    return false;
  };
  EXPECT_TRUE(fits(good));
  EXPECT_FALSE(fits(bad));
}

void check_pair(const std::string& uid, const MinimalPair& pair) {
  const ConlluSentence& good = pair.good;
  const ConlluSentence& bad = pair.bad;
  ASSERT_EQ(validate_sentence(good), "") << good.text;
  ASSERT_EQ(validate_sentence(bad), "") << bad.text;
  ASSERT_NE(good.text, bad.text);
  SCOPED_TRACE(good.text + " / " + bad.text);

  if (uid == "transitive_missing_object") {
    const int n = static_cast<int>(good.words.size()), removed = n - static_cast<int>(bad.words.size());
    ASSERT_GT(removed, 0);
    int start = 0;
    while (start < static_cast<int>(bad.words.size()) && bad.words[start].form == good.words[start].form) ++start;
    for (int k = start; k < static_cast<int>(bad.words.size()); ++k) {
      ASSERT_EQ(bad.words[k].form, good.words[k + removed].form) << "not a contiguous deletion";
    }
    const int root = good.words[start - 1].head == 0 ? start - 1 : -1;
    ASSERT_GE(root, 0) << "the deletion must follow the verb";
    const auto objects = dependents(good, root, "obj");
    ASSERT_EQ(objects.size(), 1u);
    std::vector<int> span;
    for (int k = start; k < start + removed; ++k) span.push_back(k);
    EXPECT_EQ(subtree(good, objects[0]), span) << "exactly the object was removed";
    bool transitive = false;
    for (const auto& a : readings(good, root)) transitive = transitive || feature(a.features(), "Subcat") == "Tran";
    EXPECT_TRUE(transitive) << "the verb must need its object";
    return;
  }

  ASSERT_EQ(good.words.size(), bad.words.size());
  std::vector<int> diff;
  for (size_t k = 0; k < good.words.size(); ++k) {
    const auto &g = good.words[k], &b = bad.words[k];
    ASSERT_TRUE(g.head == b.head && g.deprel == b.deprel && g.upos == b.upos) << "trees differ at word " << k + 1;
    if (g.form != b.form) diff.push_back(static_cast<int>(k));
  }
  ASSERT_EQ(diff.size(), 1u) << "exactly one word may differ";
  const int i = diff[0];
  const auto g = readings(good, i), b = readings(bad, i);
  ASSERT_FALSE(g.empty() || b.empty()) << good.words[i].form << " / " << bad.words[i].form;

  if (starts_with(uid, "determiner_")) {
    EXPECT_TRUE(test::differ_exactly_in(g, b, {"Number"}));
    check_determiner(uid, good, i);
  } else if (uid.find("agreement") != std::string::npos && !starts_with(uid, "anaphor_")) {
    EXPECT_TRUE(test::differ_exactly_in(g, b, {"Number"}));
    check_agreement(uid, good, bad, i);
  } else if (starts_with(uid, "anaphor_")) {
    // Different pronouns, different lemmas (he / she / they): only the claimed feature may change.
    EXPECT_TRUE(test::differ_exactly_in(g, b, {uid == "anaphor_gender_agreement" ? "Gender" : "Number"},
                                        /*lemma_may_differ=*/true));
    check_anaphor(good, bad, i);
  } else if (uid == "irregular_past_participle_verbs") {
    EXPECT_TRUE(test::differ_exactly_in(g, b, {"VerbForm"}));
    EXPECT_TRUE(g.front().irregular);
    const bool after_auxiliary = !dependents(good, i, "aux").empty();
    bool good_form_fits = false;
    for (const auto& a : g) {
      good_form_fits = good_form_fits || feature(a.features(), "VerbForm") == (after_auxiliary ? "Part" : "Fin");
    }
    EXPECT_TRUE(good_form_fits);
  } else if (uid == "intransitive_with_object") {
    EXPECT_TRUE(test::differ_exactly_in(g, b, {"Subcat"}, /*lemma_may_differ=*/true));
    EXPECT_EQ(feature(g.front().features(), "Subcat"), "Tran");
    EXPECT_EQ(feature(b.front().features(), "Subcat"), "Intr");
    EXPECT_EQ(dependents(good, i, "obj").size(), 1u);
  } else {
    FAIL() << "no check for paradigm " << uid;
  }
}

class SynthParadigmTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SynthParadigmTest, PairsDifferOnlyInTheClaimedFeature) {
  const auto pairs = make_minimal_pairs(17, 2, GetParam(), kPairsPerParadigm);
  ASSERT_EQ(static_cast<int>(pairs.size()), kPairsPerParadigm);
  std::set<std::string> distinct;
  for (const MinimalPair& pair : pairs) {
    check_pair(GetParam(), pair);
    distinct.insert(pair.good.text + "|" + pair.bad.text);
    if (HasFatalFailure()) return;
  }
  EXPECT_EQ(static_cast<int>(distinct.size()), kPairsPerParadigm);
}

std::vector<std::string> paradigm_uids() {
  std::vector<std::string> out;
  for (const auto& p : synth_paradigms()) out.push_back(p.uid);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Paradigms, SynthParadigmTest, ::testing::ValuesIn(paradigm_uids()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(SynthPairs, ParadigmTableIsComplete) {
  std::set<std::string> uids;
  for (const auto& p : synth_paradigms()) {
    EXPECT_TRUE(uids.insert(p.uid).second) << "duplicate " << p.uid;
    EXPECT_TRUE(std::string(p.field) == "morphology" || std::string(p.field) == "syntax") << p.uid;
  }
  EXPECT_GE(uids.size(), 8u);
  SynthGrammar grammar(1, 2);
  EXPECT_THROW(make_minimal_pair(grammar, "no_such_paradigm"), UserError);
}

}  // namespace
}  // namespace sasmlm
