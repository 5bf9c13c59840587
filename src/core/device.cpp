#include "sasmlm/core/device.h"

#include <torch/cuda.h>

#include "sasmlm/core/error.h"

namespace sasmlm {

torch::Device choose_device(const std::string& name, const std::string& where, const std::string& no_cuda) {
  if (name == "cpu") return torch::kCPU;
  if (name == "cuda") {
    if (!torch::cuda::is_available()) throw UserError(no_cuda);
    return torch::kCUDA;
  }
  if (name == "auto") return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  throw UserError(where + ": expected cpu, cuda or auto, found '" + name + "'");
}

}  // namespace sasmlm
