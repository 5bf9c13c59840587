#include <gtest/gtest.h>

#include "sasmlm/data/text_words.h"

namespace sasmlm {
namespace {

using Words = std::vector<std::string>;

TEST(TextWords, SplitsPunctuationLikeATreebank) {
  EXPECT_EQ(split_words("Many girls insulted themselves."), (Words{"Many", "girls", "insulted", "themselves", "."}));
  EXPECT_EQ(split_words("  \"Hi,\" she said  "), (Words{"\"", "Hi", ",", "\"", "she", "said"}));
  EXPECT_EQ(split_words(""), Words{});
}

TEST(TextWords, SplitsEnglishClitics) {
  EXPECT_EQ(split_words("I don't think John's here."), (Words{"I", "do", "n't", "think", "John", "'s", "here", "."}));
  EXPECT_EQ(split_words("They'll go; WE'RE done"), (Words{"They", "'ll", "go", ";", "WE", "'RE", "done"}));
  // A quote at a word's edge is punctuation, not a clitic.
  EXPECT_EQ(split_words("'tis dogs'"), (Words{"'", "tis", "dogs", "'"}));
}

TEST(TextWords, KeepsMaskWordWhole) {
  EXPECT_EQ(split_words("The [MASK] sat [MASK]."), (Words{"The", "[MASK]", "sat", "[MASK]", "."}));
  EXPECT_EQ(split_words("([MASK])"), (Words{"(", "[MASK]", ")"}));
}

}  // namespace
}  // namespace sasmlm
