#include <gtest/gtest.h>

#include <limits>

#include "sasmlm/train/progress.h"

namespace sasmlm {

TEST(Progress, FormatsEveryFieldOnOneLine) {
  StepProgress p;
  p.step = 120;
  p.max_steps = 1000;
  p.mlm_loss = 5.43214;
  p.sas_loss = 12.3;
  p.lambda = 0.001;
  p.lr = 1.2e-4;
  p.tokens_per_s = 10512;
  p.eta_s = 192;
  EXPECT_EQ(format_progress_line(p, 0),
            "step 120/1000  12% | mlm 5.4321 | sas 12.3 | lambda 0.001 | lr 1.20e-04 | 10.5k tok/s | ETA 3m12s");
  EXPECT_EQ(format_progress_line(p, 20), "step 120/1000  12% |");
}

TEST(Progress, DurationsAndUnknownEta) {
  EXPECT_EQ(format_duration(45), "45s");
  EXPECT_EQ(format_duration(3723), "1h02m03s");
  EXPECT_EQ(format_duration(-1), "?");
  EXPECT_EQ(format_duration(std::numeric_limits<double>::infinity()), "?");
  StepProgress p;
  p.max_steps = 10;
  p.tokens_per_s = 2.5e6;
  const std::string line = format_progress_line(p, 0);
  EXPECT_NE(line.find("2.50M tok/s"), std::string::npos) << line;
  EXPECT_NE(line.find("ETA ?"), std::string::npos) << line;
}

}  // namespace sasmlm
