// Every config shipped in configs/ loads and validates, so a renamed key or a bad value never reaches a user.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "sasmlm/config/config_loader.h"

namespace sasmlm {
namespace {
namespace fs = std::filesystem;

TEST(ShippedConfigs, EveryConfigLoadsAndValidates) {
  const fs::path root = fs::path(SASMLM_SOURCE_DIR) / "configs";
  int checked = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".yaml") continue;
    const std::string name = entry.path().filename().string();
    if (name.size() > 11 && name.compare(name.size() - 11, 11, "_sweep.yaml") == 0) continue;  // sweep files
    SCOPED_TRACE(entry.path().string());
    EXPECT_NO_THROW(load_config(entry.path().string()));
    ++checked;
  }
  EXPECT_GE(checked, 13);
}

// The paper's conditions differ from the baseline only in the SAS schedule, and keep the authors' recipe.
TEST(ShippedConfigs, PaperConditionsShareTheAuthorsRecipe) {
  const fs::path dir = fs::path(SASMLM_SOURCE_DIR) / "configs" / "paper";
  const Config base = load_config((dir / "bert_base.yaml").string());
  EXPECT_EQ(base.model.preset, "base");
  EXPECT_EQ(base.trainer.batch_size, 256);
  EXPECT_DOUBLE_EQ(base.trainer.lr, 1e-4);
  EXPECT_DOUBLE_EQ(base.trainer.weight_decay, 0.01);
  EXPECT_EQ(base.trainer.warmup_steps, 10000);
  EXPECT_EQ(base.trainer.decay_horizon, 1000000);
  EXPECT_EQ(base.sas.probabilities, "post_dropout");
  EXPECT_EQ(base.sas.variant, "max");
  EXPECT_EQ(base.sas.normalization, "per_sequence");
  EXPECT_EQ(base.data.max_seq_len, 512);
  EXPECT_EQ(base.trainer.micro_batch_size, 64);
  EXPECT_DOUBLE_EQ(base.trainer.eps, 1e-8);
  EXPECT_EQ(base.run.seed, 0);
  EXPECT_NE(base.tokenizer.path.find("vocab.txt"), std::string::npos);
  struct Expected {
    const char* file;
    std::vector<SasWindow> windows;
  };
  const std::vector<Expected> conditions = {
      // their --lambda_reg 0.001 x their per-device batch 64, per parsed sequence
      {"sas_minus.yaml", {{std::nullopt, 0.064, std::nullopt}}},
      {"sas_plus.yaml", {{std::nullopt, -0.064, std::nullopt}}},
      {"sas_minus_3k.yaml", {{3000, 0.064, std::nullopt}, {std::nullopt, 0.0, std::nullopt}}},
  };
  for (const auto& c : conditions) {
    SCOPED_TRACE(c.file);
    Config cfg = load_config((dir / c.file).string());
    ASSERT_EQ(cfg.sas.schedule.size(), c.windows.size());
    for (size_t i = 0; i < c.windows.size(); ++i) {
      EXPECT_EQ(cfg.sas.schedule[i].until, c.windows[i].until);
      EXPECT_DOUBLE_EQ(cfg.sas.schedule[i].lambda, c.windows[i].lambda);
    }
    // Everything but the schedule and the run directory equals the baseline.
    cfg.sas.schedule = base.sas.schedule;
    cfg.run.dir = base.run.dir;
    cfg.source_path = base.source_path;
    EXPECT_EQ(dump_config(cfg), dump_config(base));
  }
}

// Every file in configs/paper says where its numbers come from: the source legend or a pointer to it.
TEST(ShippedConfigs, PaperFilesCiteTheirSources) {
  const fs::path dir = fs::path(SASMLM_SOURCE_DIR) / "configs" / "paper";
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::ifstream in(entry.path());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    SCOPED_TRACE(entry.path().string());
    EXPECT_NE(text.find("[README]"), std::string::npos) << "no citation of the authors' command";
    EXPECT_TRUE(text.find("Sources") != std::string::npos || text.find("[CODE]   the same") != std::string::npos);
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

}  // namespace
}  // namespace sasmlm
