// The shared did-you-mean helper: the distance itself and when a candidate counts as a likely typo.
#include <gtest/gtest.h>

#include "sasmlm/core/name_suggestion.h"

namespace sasmlm {

TEST(NameSuggestion, EditDistanceCountsOneEditEach) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("train", "train"), 0u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("confg", "config"), 1u);   // insertion
  EXPECT_EQ(edit_distance("configg", "config"), 1u); // deletion
  EXPECT_EQ(edit_distance("cinfig", "config"), 1u);  // substitution
  EXPECT_EQ(edit_distance("trian", "train"), 1u);    // adjacent transposition counts once
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(NameSuggestion, ClosestNameOnlyForLikelyTypos) {
  const std::vector<std::string> commands = {"synth", "prepare", "train", "eval", "fill-mask", "export", "import"};
  EXPECT_EQ(closest_name("trian", commands), "train");
  EXPECT_EQ(closest_name("fillmask", commands), "fill-mask");
  EXPECT_EQ(closest_name("--confg", {"--config", "--set", "--log-level"}), "--config");
  // Too far from everything: no suggestion rather than a random one.
  EXPECT_EQ(closest_name("deploy", commands), "");
  // Short names allow one edit at least.
  EXPECT_EQ(closest_name("evl", commands), "eval");
  // Ties go to the earlier candidate.
  EXPECT_EQ(closest_name("ab", {"ac", "ad"}), "ac");
}

TEST(NameSuggestion, DidYouMeanQuotesTheClosestNameOrFallsBack) {
  EXPECT_EQ(did_you_mean("trian", {"train", "eval"}, "'"), "did you mean 'train'?");
  EXPECT_EQ(did_you_mean("--confg", {"--config"}, ""), "did you mean --config?");
  EXPECT_EQ(did_you_mean("deploy", {"train", "eval"}, "'"), "");
  EXPECT_EQ(did_you_mean("deploy", {"train", "eval"}, "'", "see sasmlm --help"), "see sasmlm --help");
}

TEST(NameSuggestion, JoinNames) {
  EXPECT_EQ(join_names({}), "");
  EXPECT_EQ(join_names({"max"}), "max");
  EXPECT_EQ(join_names({"max", "uniform", "random_arcs"}), "max, uniform, random_arcs");
  EXPECT_EQ(join_names({"info", "warn"}, " | "), "info | warn");
}

}  // namespace sasmlm
