// The synthetic corpus: validity of every generated tree, agreement checked through the lexicon, depth control,
// coverage of the constructions, determinism, the files `synthesize` writes, and to_conllu.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/data/conllu.h"
#include "sasmlm/data/synth.h"
#include "synth_checks.h"
#include "test_util.h"

namespace sasmlm {
namespace {

using test::dependents;
using test::feature;
using test::readings;
using test::TempDir;

std::vector<ConlluSentence> generate(uint64_t seed, int max_depth, int count) {
  SynthGrammar grammar(seed, max_depth);
  std::vector<ConlluSentence> out;
  for (int i = 0; i < count; ++i) out.push_back(grammar.sentence());
  return out;
}

const std::vector<ConlluSentence>& corpus() {
  static const std::vector<ConlluSentence> sentences = generate(7, 2, 5000);
  return sentences;
}

bool projective(const ConlluSentence& s) {
  const int n = static_cast<int>(s.words.size());
  for (int i = 0; i < n; ++i) {
    const int h = s.words[i].head - 1;
    if (h < 0) continue;
    for (int k = std::min(i, h) + 1; k < std::max(i, h); ++k) {
      int w = k;  // every word between a dependent and its head must descend from the head
      while (w >= 0 && w != h) w = s.words[w].head - 1;
      if (w != h) return false;
    }
  }
  return true;
}

// Embedding arcs on the longest path to the root.
int embedding_depth(const ConlluSentence& s) {
  static const std::set<std::string> kEmbedding = {"acl:relcl", "ccomp", "xcomp", "nmod"};
  int deepest = 0;
  for (size_t i = 0; i < s.words.size(); ++i) {
    int depth = 0;
    for (int w = static_cast<int>(i); w >= 0; w = s.words[w].head - 1) depth += kEmbedding.count(s.words[w].deprel);
    deepest = std::max(deepest, depth);
  }
  return deepest;
}

TEST(SynthGrammar, EverySentenceIsAValidProjectiveTreeWithKnownWords) {
  static const std::set<std::string> kUpos = {"NOUN", "PROPN", "PRON", "VERB", "AUX", "ADJ", "ADV", "ADP",
                                              "DET",  "NUM",   "CCONJ", "SCONJ", "PART", "PUNCT"};
  // UD keeps function words as leaves ("not" attaches to the predicate, not to the auxiliary).
  static const std::set<std::string> kFunctionRelations = {"det", "case", "aux", "cop", "mark",
                                                           "cc",  "punct", "expl", "nmod:poss"};
  for (const ConlluSentence& s : corpus()) {
    ASSERT_EQ(validate_sentence(s), "") << s.text;
    ASSERT_TRUE(projective(s)) << s.text;
    ASSERT_EQ(s.text, synth::render_text(s.words));
    ASSERT_TRUE(std::isupper(static_cast<unsigned char>(s.text[0]))) << s.text;
    const ConlluWord& last = s.words.back();
    ASSERT_TRUE(last.form == "." || last.form == "?") << s.text;
    ASSERT_EQ(s.words[last.head - 1].head, 0) << "final punctuation hangs off the root: " << s.text;
    for (int i = 0; i < static_cast<int>(s.words.size()); ++i) {
      ASSERT_EQ(kUpos.count(s.words[i].upos), 1u) << s.words[i].upos;
      if (kFunctionRelations.count(s.words[i].deprel)) {
        ASSERT_TRUE(dependents(s, i, "").empty()) << "function word '" << s.words[i].form << "' has dependents: "
                                                  << s.text;
      }
      bool known_as_upos = false;
      for (const auto& a : readings(s, i)) known_as_upos = known_as_upos || a.upos == s.words[i].upos;
      ASSERT_TRUE(known_as_upos) << "'" << s.words[i].form << "' as " << s.words[i].upos << " in: " << s.text;
    }
  }
}

TEST(SynthGrammar, FiniteVerbsAgreeWithTheirSubjects) {
  int checked = 0;
  for (const ConlluSentence& s : corpus()) {
    for (int i = 0; i < static_cast<int>(s.words.size()); ++i) {
      if (s.words[i].deprel != "nsubj") continue;
      const int predicate = s.words[i].head - 1;
      const int finite = test::finite_of(s, predicate);
      const auto subject = test::subject_readings(s, i);
      ASSERT_FALSE(subject.empty()) << "no subject reading for '" << s.words[i].form << "': " << s.text;
      ASSERT_TRUE(test::finite_agrees(readings(s, finite), subject))
          << "'" << s.words[finite].form << "' does not agree with '" << s.words[i].form << "': " << s.text;
      ++checked;
    }
  }
  EXPECT_GT(checked, 5000);
}

TEST(SynthGrammar, DeterminersAndReflexivesAgree) {
  static const std::set<std::string> kSingular = {"a", "an", "every", "each", "another", "this", "that"};
  static const std::set<std::string> kPlural = {"some", "these", "those", "two", "three", "four", "five"};
  int determiners = 0, reflexives = 0;
  for (const ConlluSentence& s : corpus()) {
    for (int i = 0; i < static_cast<int>(s.words.size()); ++i) {
      const ConlluWord& w = s.words[i];
      std::string form = w.form;
      form[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(form[0])));
      if (w.deprel == "det" || w.deprel == "nummod") {
        if (!kSingular.count(form) && !kPlural.count(form)) continue;
        std::set<std::string> numbers;
        for (const auto& a : readings(s, w.head - 1)) {
          if (a.upos == "NOUN") numbers.insert(feature(a.features(), "Number"));
        }
        ASSERT_EQ(numbers.count(kSingular.count(form) ? "Sing" : "Plur"), 1u) << s.text;
        ++determiners;
      }
      if (w.deprel == "obj" && w.upos == "PRON" && feature(readings(s, i).front().features(), "Reflex") == "Yes") {
        // The antecedent is the verb's subject, or for an infinitive or a coordinated verb phrase the subject of
        // the controlling / first verb.
        int verb = w.head - 1;
        while (dependents(s, verb, "nsubj").empty() &&
               (s.words[verb].deprel == "xcomp" || s.words[verb].deprel == "conj")) {
          verb = s.words[verb].head - 1;
        }
        const auto subjects = dependents(s, verb, "nsubj");
        ASSERT_EQ(subjects.size(), 1u) << s.text;
        const test::Features r = readings(s, i).front().features();
        bool agrees = false;
        for (const auto& f : test::subject_readings(s, subjects[0])) {
          const bool gender_ok = feature(f, "Gender").empty() || feature(r, "Gender").empty() ||
                                 feature(f, "Gender") == feature(r, "Gender");
          // "you" is unmarked for number: yourself and yourselves both fit it.
          agrees = agrees || ((feature(f, "Number").empty() || feature(f, "Number") == feature(r, "Number")) &&
                              (feature(f, "Person").empty() || feature(f, "Person") == feature(r, "Person")) &&
                              gender_ok);
        }
        ASSERT_TRUE(agrees) << "'" << w.form << "' and its antecedent disagree: " << s.text;
        ++reflexives;
      }
    }
  }
  EXPECT_GT(determiners, 2000);
  EXPECT_GT(reflexives, 20);
}

TEST(SynthGrammar, CoversTheConstructions) {
  std::map<std::string, int> relations;
  int questions = 0, words = 0, wh_questions = 0;
  for (const ConlluSentence& s : corpus()) {
    for (const auto& w : s.words) ++relations[w.deprel];
    questions += s.words.back().form == "?";
    wh_questions += s.words.back().form == "?" && (s.words[0].form == "Who" || s.words[0].form == "What");
    words += static_cast<int>(s.words.size());
  }
  for (const char* r : {"root", "nsubj", "obj", "det", "amod", "case", "nmod", "obl", "acl:relcl", "advmod", "aux",
                        "cop", "cc", "conj", "mark", "ccomp", "xcomp", "expl", "nummod", "nmod:poss", "punct"}) {
    EXPECT_GT(relations[r], 10) << r;
  }
  const double n = static_cast<double>(corpus().size());
  EXPECT_GT(questions / n, 0.06);
  EXPECT_LT(questions / n, 0.14);
  EXPECT_GT(wh_questions, 50);
  EXPECT_GT(words / n, 6.0);
  EXPECT_LT(words / n, 16.0);
}

TEST(SynthGrammar, MaxDepthBoundsEmbedding) {
  for (int max_depth : {0, 1, 2}) {
    int deepest = 0;
    for (const ConlluSentence& s : generate(11, max_depth, 1500)) {
      ASSERT_LE(embedding_depth(s), max_depth) << s.text;
      deepest = std::max(deepest, embedding_depth(s));
    }
    EXPECT_EQ(deepest, max_depth) << "depth " << max_depth << " is never reached";
  }
}

TEST(SynthGrammar, DeterministicBySeed) {
  const auto a = generate(5, 2, 300), b = generate(5, 2, 300), c = generate(6, 2, 300);
  std::string ta, tb, tc;
  for (size_t i = 0; i < a.size(); ++i) {
    ta += to_conllu(a[i]);
    tb += to_conllu(b[i]);
    tc += to_conllu(c[i]);
  }
  EXPECT_EQ(ta, tb);
  EXPECT_NE(ta, tc);
}

TEST(SynthGrammar, GeneratesThousandsOfSentencesPerSecond) {
  const int kSentences = 5000;
  SynthGrammar grammar(3, 2);
  size_t bytes = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kSentences; ++i) bytes += to_conllu(grammar.sentence()).size();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double rate = kSentences / seconds;
  std::cout << "[synth] " << kSentences << " sentences (" << bytes << " bytes of CoNLL-U) in " << seconds
            << " s: " << static_cast<int64_t>(rate) << " sentences/s\n";
  RecordProperty("sentences_per_second", static_cast<int>(rate));
  EXPECT_GT(rate, 1000.0);  // 100k sentences in under 100 s even on a loaded or sanitized build
}

std::string slurp(const std::filesystem::path& p) { return read_file(p, "test file"); }

TEST(Synthesize, WritesSplitsThatTheReaderAccepts) {
  TempDir dir;
  SynthOptions o;
  o.out_dir = (dir / "corpus").string();
  o.sentences = 2000;
  o.seed = 9;
  o.pairs_per_paradigm = 20;
  o.sentences_per_document = 15;
  const SynthSummary summary = synthesize(o);
  EXPECT_EQ(summary.train_sentences + summary.dev_sentences + summary.test_sentences, 2000);
  EXPECT_EQ(summary.dev_sentences, 100);
  EXPECT_EQ(summary.test_sentences, 100);
  int64_t words = 0;
  std::set<std::string> ids, train_texts;
  for (const auto& [split, count] : std::vector<std::pair<std::string, int64_t>>{
           {"train", summary.train_sentences}, {"dev", summary.dev_sentences}, {"test", summary.test_sentences}}) {
    const auto sentences = read_conllu_file((dir / "corpus" / (split + ".conllu")).string());
    ASSERT_EQ(static_cast<int64_t>(sentences.size()), count) << split;
    for (size_t i = 0; i < sentences.size(); ++i) {
      EXPECT_EQ(sentences[i].new_document, i % 15 == 0) << split << " " << i;
      EXPECT_TRUE(ids.insert(sentences[i].sent_id).second) << "duplicate sent_id " << sentences[i].sent_id;
      EXPECT_EQ(sentences[i].text, synth::render_text(sentences[i].words));
      if (split == "train") {
        train_texts.insert(sentences[i].text);
      } else {
        EXPECT_EQ(train_texts.count(sentences[i].text), 0u) << split << " repeats a train sentence";
      }
      words += static_cast<int64_t>(sentences[i].words.size());
    }
  }
  EXPECT_EQ(words, summary.words);
  EXPECT_EQ(summary.paradigms, static_cast<int64_t>(synth_paradigms().size()));
  EXPECT_EQ(summary.pairs, 20 * summary.paradigms);
}

TEST(Synthesize, BlimpFilesFollowTheSchema) {
  TempDir dir;
  SynthOptions o;
  o.out_dir = dir.path().string();
  o.sentences = 50;
  o.pairs_per_paradigm = 30;
  synthesize(o);
  ASSERT_GE(synth_paradigms().size(), 8u);
  for (const SynthParadigm& p : synth_paradigms()) {
    std::istringstream lines(slurp(dir / "blimp" / (std::string(p.uid) + ".jsonl")));
    const auto expected = make_minimal_pairs(o.seed, o.max_depth, p.uid, o.pairs_per_paradigm);
    std::string line;
    size_t index = 0;
    while (std::getline(lines, line)) {
      const auto j = nlohmann::json::parse(line);
      ASSERT_EQ(j.size(), 6u) << line;
      for (const char* key : {"sentence_good", "sentence_bad", "field", "linguistics_term", "UID", "pairID"}) {
        ASSERT_TRUE(j.contains(key) && j[key].is_string()) << key << " in " << line;
      }
      EXPECT_EQ(j["UID"], p.uid);
      EXPECT_EQ(j["pairID"], std::to_string(index));
      EXPECT_TRUE(j["field"] == "morphology" || j["field"] == "syntax");
      EXPECT_EQ(j["linguistics_term"], p.linguistics_term);
      ASSERT_LT(index, expected.size());
      EXPECT_EQ(j["sentence_good"], expected[index].good.text);
      EXPECT_EQ(j["sentence_bad"], expected[index].bad.text);
      ++index;
    }
    EXPECT_EQ(index, 30u) << p.uid;
  }
}

TEST(Synthesize, SameSeedGivesIdenticalFilesAndPairsIgnoreCorpusSize) {
  TempDir dir;
  SynthOptions o;
  o.sentences = 600;
  o.pairs_per_paradigm = 25;
  o.out_dir = (dir / "a").string();
  synthesize(o);
  o.out_dir = (dir / "b").string();
  synthesize(o);
  o.out_dir = (dir / "c").string();
  o.sentences = 900;
  synthesize(o);
  o.out_dir = (dir / "d").string();
  o.seed = 2;
  synthesize(o);
  for (const char* file : {"train.conllu", "dev.conllu", "test.conllu", "blimp/anaphor_number_agreement.jsonl"}) {
    EXPECT_EQ(slurp(dir / "a" / file), slurp(dir / "b" / file)) << file;
  }
  const std::string pairs = "blimp/agreement_across_pp_attractor.jsonl";
  EXPECT_EQ(slurp(dir / "a" / pairs), slurp(dir / "c" / pairs));
  EXPECT_NE(slurp(dir / "a" / "train.conllu"), slurp(dir / "c" / "train.conllu"));
  EXPECT_NE(slurp(dir / "c" / "train.conllu"), slurp(dir / "d" / "train.conllu"));
  EXPECT_NE(slurp(dir / "c" / pairs), slurp(dir / "d" / pairs));
}

TEST(Synthesize, RejectsBadOptionsNamingThem) {
  TempDir dir;
  auto expect_error = [&](SynthOptions o, const std::string& name) {
    if (o.out_dir == "-") o.out_dir = "";
    else o.out_dir = (dir / "x").string();
    try {
      synthesize(o);
      ADD_FAILURE() << "accepted bad " << name;
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  };
  SynthOptions o;
  o.sentences = 100;
  SynthOptions bad = o;
  bad.out_dir = "-";
  expect_error(bad, "--out");
  bad = o, bad.sentences = 0;
  expect_error(bad, "--sentences");
  bad = o, bad.sentences = 2;
  expect_error(bad, "--sentences");
  bad = o, bad.dev_fraction = -0.1;
  expect_error(bad, "dev_fraction");
  bad = o, bad.dev_fraction = 0.6, bad.test_fraction = 0.4;
  expect_error(bad, "test_fraction");
  bad = o, bad.pairs_per_paradigm = -1;
  expect_error(bad, "pairs_per_paradigm");
  bad = o, bad.max_depth = -1;
  expect_error(bad, "max_depth");
  bad = o, bad.max_depth = 7;
  expect_error(bad, "max_depth");
  bad = o, bad.sentences_per_document = 0;
  expect_error(bad, "sentences_per_document");
}

TEST(ToConllu, WritesTenColumnsCommentsAndSpaceAfter) {
  ConlluSentence s;
  s.new_document = true;
  s.sent_id = "x-1";
  s.text = "Dogs bark.";
  s.words = {{1, "Dogs", "NOUN", 2, "nsubj"}, {2, "bark", "VERB", 0, "root"}, {3, ".", "PUNCT", 2, "punct"}};
  EXPECT_EQ(to_conllu(s),
            "# newdoc\n# sent_id = x-1\n# text = Dogs bark.\n"
            "1\tDogs\t_\tNOUN\t_\t_\t2\tnsubj\t_\t_\n"
            "2\tbark\t_\tVERB\t_\t_\t0\troot\t_\tSpaceAfter=No\n"
            "3\t.\t_\tPUNCT\t_\t_\t2\tpunct\t_\t_\n\n");
  // Without text (or with text the forms do not match) nothing is claimed about spacing.
  s.text = "";
  s.new_document = false;
  EXPECT_EQ(to_conllu(s).find("SpaceAfter"), std::string::npos);
  EXPECT_EQ(to_conllu(s).find("# newdoc"), std::string::npos);
  s.text = "Cats bark.";
  EXPECT_EQ(to_conllu(s).find("SpaceAfter"), std::string::npos);
}

TEST(ToConllu, RoundTripsThroughTheReader) {
  TempDir dir;
  std::string text;
  const auto sentences = generate(21, 2, 200);
  for (size_t i = 0; i < sentences.size(); ++i) {
    ConlluSentence s = sentences[i];
    s.sent_id = "s" + std::to_string(i);
    s.new_document = i % 7 == 0;
    text += to_conllu(s);
  }
  test::write_text(dir / "rt.conllu", text);
  const auto back = read_conllu_file((dir / "rt.conllu").string());
  ASSERT_EQ(back.size(), sentences.size());
  for (size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].sent_id, "s" + std::to_string(i));
    EXPECT_EQ(back[i].text, sentences[i].text);
    EXPECT_EQ(back[i].new_document, i % 7 == 0);
    ASSERT_EQ(back[i].words.size(), sentences[i].words.size());
    for (size_t k = 0; k < back[i].words.size(); ++k) {
      const auto &a = back[i].words[k], &b = sentences[i].words[k];
      EXPECT_TRUE(a.id == b.id && a.form == b.form && a.upos == b.upos && a.head == b.head && a.deprel == b.deprel);
    }
  }
}

TEST(SynthLexicon, FormsAndArticles) {
  const auto& lex = test::lexicon();
  EXPECT_STREQ(synth::indefinite_article_for("old"), "an");
  EXPECT_STREQ(synth::indefinite_article_for("umbrella"), "an");
  EXPECT_STREQ(synth::indefinite_article_for("key"), "a");
  EXPECT_STREQ(synth::indefinite_article_for("university"), "a");
  EXPECT_STREQ(synth::indefinite_article_for("hour"), "an");
  const auto children = lex.analyze("children");
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(children[0].lemma, "child");
  EXPECT_EQ(feature(children[0].features(), "Number"), "Plur");
  EXPECT_TRUE(children[0].irregular);
  EXPECT_FALSE(lex.analyze("keys").front().irregular);
  EXPECT_TRUE(lex.analyze("blah").empty());
  size_t lemmas = lex.nouns().size() + lex.names().size() + lex.verbs().size() + lex.adjectives().size() +
                  lex.determiners().size() + lex.adverbs().size();
  EXPECT_GT(lemmas, 250u);
  for (const auto& n : lex.nouns()) EXPECT_EQ(std::string(n.singular) == n.plural, n.invariant) << n.singular;
  for (const auto& v : lex.verbs()) {
    EXPECT_TRUE((v.frames & synth::kTransitive) == 0 || v.objects != 0) << v.base;
    if (v.frames & synth::kNeedsObject) {
      EXPECT_FALSE(v.frames & synth::kIntransitive) << v.base;
    }
    if (v.frames & synth::kNoObject) {
      EXPECT_FALSE(v.frames & synth::kTransitive) << v.base;
    }
  }
}

}  // namespace
}  // namespace sasmlm
