#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "sasmlm/core/error.h"
#include "sasmlm/core/rng.h"
#include "sasmlm/data/synth.h"
#include "sasmlm/eval/blimp_reader.h"
#include "test_util.h"

namespace sasmlm {
namespace {

std::string line(const std::string& good, const std::string& bad, const std::string& uid = "p",
                 const std::string& field = "syntax", const std::string& term = "t") {
  return "{\"sentence_good\": \"" + good + "\", \"sentence_bad\": \"" + bad + "\", \"field\": \"" + field +
         "\", \"linguistics_term\": \"" + term + "\", \"UID\": \"" + uid + "\", \"pairID\": \"0\"}\n";
}

// The UserError message read_blimp_file throws for `contents` ("" when it does not throw).
std::string error_for(const std::string& contents) {
  test::TempDir dir;
  test::write_text(dir / "bad.jsonl", contents);
  try {
    read_blimp_file((dir / "bad.jsonl").string(), 0);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(BlimpReader, ReadsBlimpFiles) {
  SASMLM_REQUIRE_SHARED(dir, "blimp");
  const std::vector<BlimpParadigm> paradigms = read_blimp_dir(dir.string(), 3);
  ASSERT_EQ(paradigms.size(), 67u);
  std::set<std::string> fields;
  for (size_t i = 0; i < paradigms.size(); ++i) {
    EXPECT_EQ(paradigms[i].pairs.size(), 3u) << paradigms[i].name;
    if (i > 0) {
      EXPECT_LT(paradigms[i - 1].name, paradigms[i].name);
    }
    fields.insert(paradigms[i].field);
  }
  EXPECT_EQ(fields, (std::set<std::string>{"morphology", "semantics", "syntax", "syntax/semantics",
                                           "syntax_semantics"}));
  EXPECT_EQ(paradigms[0].name, "adjunct_island");
  EXPECT_EQ(paradigms[0].phenomenon, "island_effects");
  EXPECT_EQ(paradigms[0].pairs[0].good, "Who should Derek hug after shocking Richard?");
  EXPECT_EQ(paradigms[0].pairs[0].bad, "Who should Derek hug Richard after shocking?");

  const BlimpParadigm all = read_blimp_file((dir / "adjunct_island.jsonl").string(), 0);
  EXPECT_EQ(all.pairs.size(), 1000u);
}

TEST(BlimpReader, ReadsSynthFiles) {
  test::TempDir dir;
  SynthOptions options;
  options.out_dir = dir.path().string();
  options.sentences = 40;
  options.pairs_per_paradigm = 4;
  synthesize(options);
  const std::vector<BlimpParadigm> paradigms = read_blimp_dir((dir / "blimp").string(), 0);
  ASSERT_EQ(paradigms.size(), synth_paradigms().size());
  std::set<std::string> expected_names, names;
  for (const SynthParadigm& p : synth_paradigms()) expected_names.insert(p.uid);
  for (const BlimpParadigm& p : paradigms) {
    names.insert(p.name);
    EXPECT_TRUE(p.field == "morphology" || p.field == "syntax") << p.field;
    EXPECT_FALSE(p.phenomenon.empty());
    EXPECT_GE(p.pairs.size(), 1u);
    EXPECT_LE(p.pairs.size(), 4u);
    for (const BlimpPair& pair : p.pairs) EXPECT_NE(pair.good, pair.bad);
  }
  EXPECT_EQ(names, expected_names);
}

TEST(BlimpReader, LimitsPairsAndToleratesBlankLinesAndCrlf) {
  test::TempDir dir;
  std::string crlf = line("E f.", "F e.");
  crlf.back() = '\r';
  crlf += "\n";
  test::write_text(dir / "p.jsonl", line("A b.", "B a.") + "\n  \n" + line("C d.", "D c.") + crlf);
  const BlimpParadigm all = read_blimp_file((dir / "p.jsonl").string(), 0);
  ASSERT_EQ(all.pairs.size(), 3u);
  EXPECT_EQ(all.pairs[2].good, "E f.");
  EXPECT_EQ(all.name, "p");
  EXPECT_EQ(all.field, "syntax");
  EXPECT_EQ(all.phenomenon, "t");
  EXPECT_EQ(read_blimp_file((dir / "p.jsonl").string(), 2).pairs.size(), 2u);
}

TEST(BlimpReader, MalformedLinesNameFileLineAndProblem) {
  struct Case {
    std::string contents, expected;
  };
  std::string trailing = line("A.", "B.");
  trailing.insert(trailing.size() - 1, " trailing");
  const std::vector<Case> cases = {
      {"{not json\n", "bad.jsonl:1: not valid JSON"},
      {"\xff\xfe\x01garbage\n", "bad.jsonl:1: not valid JSON"},
      {"{\"sentence_good\": \"\xff\"}\n", "bad.jsonl:1: not valid JSON"},
      {line("A.", "B.").substr(0, 20) + "\n", "bad.jsonl:1: not valid JSON"},
      {trailing, "bad.jsonl:1: not valid JSON"},
      {"[1, 2]\n", "bad.jsonl:1: expected a JSON object per line, found array"},
      {"{\"sentence_good\": \"A.\", \"field\": \"f\", \"linguistics_term\": \"t\", \"UID\": \"p\"}\n",
       "bad.jsonl:1: missing field \"sentence_bad\""},
      {"{\"sentence_good\": 5, \"sentence_bad\": \"B.\", \"field\": \"f\", \"linguistics_term\": \"t\", "
       "\"UID\": \"p\"}\n",
       "bad.jsonl:1: field \"sentence_good\" must be a string, found number"},
      {line(" ", "B."), "bad.jsonl:1: field \"sentence_good\" is empty"},
      {line("A.", "B.") + "\n" + line("C.", "D.", "q"), "bad.jsonl:3: UID 'q' differs from 'p'"},
      {line("A.", "B.") + line("C.", "D.", "p", "morphology"), "bad.jsonl:2: field 'morphology' differs"},
      {line("A.", "B.") + line("C.", "D.", "p", "syntax", "u"), "bad.jsonl:2: linguistics_term 'u' differs"},
      {"", "no minimal pairs"},
      {"\n\n", "no minimal pairs"},
  };
  for (const Case& c : cases) {
    const std::string message = error_for(c.contents);
    EXPECT_NE(message.find(c.expected), std::string::npos)
        << "contents: " << c.contents << "\nmessage: " << message << "\nexpected: " << c.expected;
  }
}

TEST(BlimpReader, RandomBytesNeverCrash) {
  Rng rng(5);
  const std::string good = line("A b.", "B a.");
  for (int trial = 0; trial < 300; ++trial) {
    std::string contents = good;
    // Corrupt a few bytes of a valid line, or write pure noise.
    if (trial % 3 == 0) {
      contents.assign(size_t(rng.below(200)), '\0');
      for (char& c : contents) c = static_cast<char>(rng.below(256));
    } else {
      for (int k = 0; k < 1 + trial % 4; ++k) contents[size_t(rng.below(contents.size()))] = char(rng.below(256));
    }
    test::TempDir dir;
    test::write_text(dir / "x.jsonl", contents);
    try {
      const BlimpParadigm p = read_blimp_file((dir / "x.jsonl").string(), 0);
      EXPECT_FALSE(p.pairs.empty());
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find("x.jsonl"), std::string::npos) << e.what();
    }
  }
}

TEST(BlimpReader, DirectoryErrors) {
  test::TempDir dir;
  auto message = [](const std::string& path) -> std::string {
    try {
      read_blimp_dir(path, 0);
    } catch (const UserError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message((dir / "missing").string()).find("does not exist"), std::string::npos);
  test::write_text(dir / "notes.txt", "not a paradigm\n");
  EXPECT_NE(message(dir.path().string()).find("holds no .jsonl file"), std::string::npos);
  test::write_text(dir / "one.jsonl", line("A.", "B.", "same"));
  test::write_text(dir / "two.jsonl", line("C.", "D.", "same"));
  const std::string duplicate = message(dir.path().string());
  EXPECT_NE(duplicate.find("two.jsonl: UID 'same' is also the UID of"), std::string::npos) << duplicate;
  std::filesystem::remove(dir / "two.jsonl");
  EXPECT_EQ(read_blimp_dir(dir.path().string(), 0).size(), 1u);
}

}  // namespace
}  // namespace sasmlm
