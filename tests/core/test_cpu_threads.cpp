#include <gtest/gtest.h>
#include <torch/torch.h>

#include "sasmlm/core/cpu_threads.h"

namespace sasmlm {

namespace {

// Elements of x * 1, x subnormal, whose bits are still nonzero: 0 when every thread that computed a chunk treats
// subnormal inputs as zero (DAZ). 1M elements: the elementwise kernel splits them over the pool (grain 32768), so
// each thread gets some. x is built from its bits: converting a subnormal scalar would itself flush on this thread.
int64_t subnormals_after_multiply() {
  const torch::Tensor x = torch::full({1 << 20}, int32_t(1) << 21, torch::kInt32).view(torch::kFloat32);  // 2^-128
  return (x * 1.0f).view(torch::kInt32).ne(0).sum().item<int64_t>();
}

}  // namespace

TEST(FlushDenormal, ReachesThreadsThePoolStartedBefore) {
  const int threads_before = torch::get_num_threads();
  torch::set_num_threads(2);
  // Start the pool threads with IEEE subnormals, as an earlier op or run in the same process would.
  set_flush_denormal(false);
  ASSERT_EQ(subnormals_after_multiply(), int64_t(1) << 20);
  if (!set_flush_denormal(true)) {
    torch::set_num_threads(threads_before);
    GTEST_SKIP() << "this CPU cannot flush subnormals (no x86 FTZ/DAZ)";
  }
  // Were only the calling thread flushed, the other thread's chunks would stay subnormal.
  EXPECT_EQ(subnormals_after_multiply(), 0);
  set_flush_denormal(false);
  EXPECT_EQ(subnormals_after_multiply(), int64_t(1) << 20);
  torch::set_num_threads(threads_before);
}

}  // namespace sasmlm
