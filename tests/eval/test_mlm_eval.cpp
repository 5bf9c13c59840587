// Held-out MLM evaluation: the R-per-arc measurement on a model whose attention is known exactly.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "eval_test_util.h"
#include "sasmlm/eval/mlm_eval.h"

namespace sasmlm {
namespace {

// Zero query and key projections make every score equal, so each query spreads its attention uniformly over the
// real tokens of its row: gamma = 1 / length in both directions, and R per arc = mean over arcs of 2 / length.
TEST(MlmEval, RPerArcOfUniformAttentionIsTwoOverRowLength) {
  torch::manual_seed(3);
  BertForMaskedLM model(test::small_options(40));
  {
    torch::NoGradGuard no_grad;
    for (auto& p : model->named_parameters()) {
      if (p.key().find(".query.") != std::string::npos || p.key().find(".key.") != std::string::npos) {
        p.value().zero_();
      }
    }
  }
  // Row 0: [CLS] w w w w [SEP] (length 6) with 3 arcs; row 1: length 9 with 2 arcs.
  SequenceRecord a{{2, 10, 11, 12, 13, 3}, {-1, 2, -1, 2, 2, -1}, {-1, 0, 1, 2, 3, -1}};
  SequenceRecord b{{2, 20, 21, 22, 23, 24, 25, 26, 3}, {-1, -1, 1, -1, -1, 4, -1, -1, -1},
                   {-1, 0, 1, 2, 3, 4, 5, 6, -1}};
  VectorSequenceSource source({a, b});
  MaskingOptions masking;
  masking.vocab_size = 40;
  const MlmEvalResult r = evaluate_mlm(model, source, masking, 7, /*batch_size=*/2, /*max_batches=*/1,
                                       torch::Device(torch::kCPU));
  ASSERT_EQ(r.arcs, 5);
  const double expected = (3 * 2.0 / 6 + 2 * 2.0 / 9) / 5;
  EXPECT_NEAR(r.sas_r_per_arc, expected, 1e-6);
  // Dropout must be off (eval mode) and the training mode restored.
  EXPECT_TRUE(model->is_training());
}

}  // namespace
}  // namespace sasmlm
