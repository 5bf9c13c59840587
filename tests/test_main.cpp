#include <gtest/gtest.h>
#include "sasmlm/core/logging.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // Library code logs through spdlog; keep test output to failures unless asked.
  sasmlm::set_log_level(sasmlm::LogLevel::kWarn);
  return RUN_ALL_TESTS();
}
