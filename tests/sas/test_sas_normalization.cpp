// sas.normalization: the counts of a step and what each normalization divides the step's summed R by.
#include "sasmlm/sas/sas_normalization.h"

#include "sasmlm/core/error.h"

#include <gtest/gtest.h>

namespace sasmlm {
namespace {

TEST(SasNormalization, CountsSequencesParsedRowsArcsAndTokens) {
  // Row 0: 5 real tokens, 2 arcs; row 1: 3 real tokens, no arcs (plain text); row 2: 4 real tokens, 1 arc.
  const torch::Tensor heads = torch::tensor({{-1, 2, -1, 2, -1}, {-1, -1, -1, -1, -1}, {-1, -1, 1, -1, -1}});
  const torch::Tensor mask = torch::tensor({{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}, {1, 1, 1, 1, 0}}).to(torch::kBool);
  const torch::Tensor parsed = torch::tensor({1, 0, 1}).to(torch::kBool);
  const SasCounts c = count_sas(heads, mask, parsed);
  EXPECT_EQ(c.sequences, 3.0);
  EXPECT_EQ(c.parsed_sequences, 2.0);
  EXPECT_EQ(c.arcs, 3.0);
  EXPECT_EQ(c.tokens, 12.0);
  SasCounts twice = c;
  twice += c;
  EXPECT_EQ(twice.parsed_sequences, 4.0);
  EXPECT_EQ(twice.tokens, 24.0);
  EXPECT_THROW(count_sas(heads, mask, torch::ones({2}, torch::kBool)), InternalError);
}

TEST(SasNormalization, EachKindDividesByItsCount) {
  SasCounts step;
  step.sequences = 256;
  step.parsed_sequences = 128;
  step.arcs = 9000;
  step.tokens = 30000;
  SasConfig config;
  EXPECT_EQ(SasNormalizer::from(config).denominator(step), 128.0);  // the default: per parsed sequence
  EXPECT_TRUE(SasNormalizer::from(config).root_per_sequence());
  config.normalization = "authors";
  config.authors_micro_batch = 64;  // their 4 ranks x 64: the step holds 4 of their micro-batches
  EXPECT_EQ(SasNormalizer::from(config).denominator(step), 4.0);
  EXPECT_FALSE(SasNormalizer::from(config).root_per_sequence());
  config.normalization = "per_arc";
  EXPECT_EQ(SasNormalizer::from(config).denominator(step), 9000.0);
  config.normalization = "per_token";
  EXPECT_EQ(SasNormalizer::from(config).denominator(step), 30000.0);
  config.normalization = "none";
  EXPECT_EQ(SasNormalizer::from(config).denominator(step), 1.0);
  // A step of plain text only: nothing to divide, and R is 0 there anyway.
  config.normalization = "per_sequence";
  EXPECT_EQ(SasNormalizer::from(config).denominator(SasCounts{}), 1.0);
}

TEST(SasNormalization, BadValuesNameTheKey) {
  SasConfig config;
  config.normalization = "per_batch";
  try {
    SasNormalizer::from(config);
    ADD_FAILURE() << "no error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("sas.normalization"), std::string::npos) << e.what();
  }
  config.normalization = "authors";
  config.authors_micro_batch = 0;
  EXPECT_THROW(SasNormalizer::from(config), UserError);
}

}  // namespace
}  // namespace sasmlm
