#include <gtest/gtest.h>
#include <torch/cuda.h>

#include "sasmlm/core/device.h"
#include "sasmlm/core/error.h"

namespace sasmlm {

namespace {

std::string error_of(const std::string& name) {
  try {
    choose_device(name, "trainer.device", "no CUDA here");
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ChooseDevice, CpuAndAutoFollowWhatIsVisible) {
  EXPECT_EQ(choose_device("cpu", "k", "m"), torch::Device(torch::kCPU));
  EXPECT_EQ(choose_device("auto", "k", "m").is_cuda(), torch::cuda::is_available());
}

TEST(ChooseDevice, CudaWithoutADeviceThrowsTheCallersMessage) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "a CUDA device is visible";
  EXPECT_EQ(error_of("cuda"), "no CUDA here");
}

TEST(ChooseDevice, UnknownNameNamesTheSetting) {
  EXPECT_EQ(error_of("gpu"), "trainer.device: expected cpu, cuda or auto, found 'gpu'");
}

}  // namespace sasmlm
