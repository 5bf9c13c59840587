#include "sasmlm/train/optimizer.h"

#include <cmath>

#include "sasmlm/core/error.h"

namespace sasmlm {

namespace {
// BERT's rule: no weight decay on biases and LayerNorm parameters.
bool is_no_decay(const std::string& name) {
  return name.find("LayerNorm") != std::string::npos ||
         (name.size() >= 4 && name.compare(name.size() - 4, 4, "bias") == 0);
}
}  // namespace

std::unique_ptr<torch::optim::AdamW> make_adamw(torch::nn::Module& model, const TrainerConfig& config) {
  std::vector<torch::Tensor> decay, no_decay;
  for (const auto& item : model.named_parameters(/*recurse=*/true)) {
    if (!item.value().requires_grad()) continue;
    (is_no_decay(item.key()) ? no_decay : decay).push_back(item.value());
  }
  auto options = [&](double weight_decay) {
    return std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(config.lr)
                                                            .betas({config.beta1, config.beta2})
                                                            .eps(config.eps)
                                                            .weight_decay(weight_decay));
  };
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decay, options(config.weight_decay));
  groups.emplace_back(no_decay, options(0.0));
  return std::make_unique<torch::optim::AdamW>(groups, torch::optim::AdamWOptions(config.lr));
}

bool use_fused_adamw(const TrainerConfig& config, const torch::Device& device) {
  if (config.adamw_impl == "fused") return true;
  if (config.adamw_impl == "loop") return false;
  // auto: fused on CUDA (one launch per group instead of several per tensor); on CPU the per-tensor loop
  // measured as fast (docs/PERFORMANCE.md, "Fused AdamW on CPU") and is the reference implementation.
  return device.is_cuda();
}

void adamw_step(torch::optim::AdamW& optimizer, bool fused) {
  if (!fused) {
    optimizer.step();
    return;
  }
  torch::NoGradGuard no_grad;
  auto& state = optimizer.state();
  for (auto& group : optimizer.param_groups()) {
    const auto& options = static_cast<const torch::optim::AdamWOptions&>(group.options());
    SASMLM_CHECK(!options.amsgrad(), "fused AdamW path does not implement amsgrad");
    std::vector<torch::Tensor> params, grads, exp_avgs, exp_avg_sqs;
    std::vector<double> step_values;
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      void* key = p.unsafeGetTensorImpl();
      auto it = state.find(key);
      if (it == state.end()) {
        auto fresh = std::make_unique<torch::optim::AdamWParamState>();
        fresh->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        fresh->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        it = state.emplace(key, std::move(fresh)).first;
      }
      auto& s = static_cast<torch::optim::AdamWParamState&>(*it->second);
      s.step(s.step() + 1);
      params.push_back(p);
      grads.push_back(p.grad());
      exp_avgs.push_back(s.exp_avg());
      exp_avg_sqs.push_back(s.exp_avg_sq());
      step_values.push_back(double(s.step()));
    }
    if (params.empty()) continue;
    // The kernel reads each parameter's step from a float tensor on its device: one host-to-device copy per group,
    // from page-locked memory on CUDA so that it does not wait for the queued backward pass.
    torch::Tensor host_steps = torch::tensor(step_values, torch::kFloat32);  // (N,)
    const bool cuda = params.front().is_cuda();
    if (cuda) host_steps = host_steps.pin_memory();
    const torch::Tensor steps = host_steps.to(params.front().device(), /*non_blocking=*/cuda);  // (N,)
    const std::vector<torch::Tensor> state_steps = steps.unbind(0);
    at::_fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, /*max_exp_avg_sqs=*/{}, state_steps, options.lr(),
                      std::get<0>(options.betas()), std::get<1>(options.betas()), options.weight_decay(),
                      options.eps(), /*amsgrad=*/false, /*maximize=*/false);
  }
}

torch::Tensor clip_gradients(torch::nn::Module& model, double max_norm) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> grads;
  for (const auto& p : model.parameters()) {
    if (p.grad().defined()) grads.push_back(p.grad());
  }
  if (grads.empty()) return torch::zeros({}, torch::kFloat32);
  const std::vector<torch::Tensor> norms = torch::_foreach_norm(grads, 2);      // one 0-dim norm per tensor
  const torch::Tensor total = torch::linalg_vector_norm(torch::stack(norms), 2);  // 0-dim
  if (std::isfinite(max_norm)) {
    const torch::Tensor coefficient = torch::clamp_max(max_norm / (total + 1e-6), 1.0);  // 0-dim
    torch::_foreach_mul_(grads, coefficient);
  }
  return total;
}

double learning_rate_at(const TrainerConfig& config, int64_t step) {
  const double peak = config.lr;
  // Step t's update is the (t+1)-th: warmup reaches the peak at the end of the warmup window.
  const double t = double(step + 1);
  if (config.warmup_steps > 0 && step < config.warmup_steps) return peak * t / double(config.warmup_steps);
  if (config.lr_schedule == "constant") return peak;
  const int64_t horizon = config.decay_horizon > 0 ? config.decay_horizon : config.max_steps;
  const double span = double(std::max<int64_t>(1, horizon - config.warmup_steps));
  const double progress = std::clamp((t - double(config.warmup_steps)) / span, 0.0, 1.0);
  if (config.lr_schedule == "cosine") return peak * 0.5 * (1.0 + std::cos(M_PI * progress));
  SASMLM_CHECK(config.lr_schedule == "linear", "unknown lr_schedule " + config.lr_schedule);
  return peak * (1.0 - progress);
}

void set_learning_rate(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) {
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
  }
}

}  // namespace sasmlm
