// Which device a run computes on: the one rule for trainer.device and `sasmlm eval --device`.
#pragma once

#include <torch/types.h>

#include <string>

namespace sasmlm {

// `name` is "cpu", "cuda" or "auto" (CUDA when a CUDA device is visible, else the CPU). "cuda" without a visible
// device throws UserError(`no_cuda`): each caller names its own setting and fix there. Any other name throws
// UserError "<where>: expected cpu, cuda or auto, found '<name>'".
torch::Device choose_device(const std::string& name, const std::string& where, const std::string& no_cuda);

}  // namespace sasmlm
