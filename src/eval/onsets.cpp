#include "sasmlm/eval/onsets.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "sasmlm/core/error.h"

namespace sasmlm {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kKernelRadiusSigmas = 3.0;  // the Gaussian is cut off beyond 3 sigma

bool all_finite(const std::vector<double>& values) {
  for (double v : values) {
    if (!std::isfinite(v)) return false;
  }
  return true;
}

// Index of the largest positive acceleration, or -1.
int64_t peak_index(const std::vector<double>& acceleration) {
  int64_t best = -1;
  for (size_t i = 1; i + 1 < acceleration.size(); ++i) {
    if (acceleration[i] > 0 && (best < 0 || acceleration[i] > acceleration[size_t(best)])) best = int64_t(i);
  }
  return best;
}

// First interior local minimum after `from` whose right neighbour is also interior (defined), or -1.
int64_t next_minimum(const std::vector<double>& a, int64_t from) {
  for (size_t j = size_t(from) + 1; j + 2 < a.size(); ++j) {
    if (a[j] <= a[j - 1] && a[j] <= a[j + 1]) return int64_t(j);
  }
  return -1;
}

// Onset of one series (peak acceleration) and its acceleration; -1 when there is none.
int64_t series_peak(const std::vector<int64_t>& steps, const std::vector<double>& values, double sigma,
                    std::vector<double>* acceleration_out) {
  if (int64_t(values.size()) < kMinOnsetPoints || !all_finite(values)) return -1;
  std::vector<double> acceleration = second_derivative(steps, smooth_series(values, sigma));
  const int64_t peak = peak_index(acceleration);
  if (acceleration_out != nullptr) *acceleration_out = std::move(acceleration);
  return peak;
}

}  // namespace

std::vector<double> smooth_series(const std::vector<double>& values, double sigma) {
  if (sigma <= 0 || values.empty()) return values;
  const auto n = static_cast<int64_t>(values.size());
  const auto radius = static_cast<int64_t>(std::ceil(kKernelRadiusSigmas * sigma));
  // Point reflection about the end points: f(-k) = 2 f(0) - f(k). A straight line stays straight, so the ends
  // gain no curvature (and no spurious onset) from the smoothing.
  auto extended = [&](int64_t j) {
    if (j >= 0 && j < n) return values[size_t(j)];
    const int64_t end = j < 0 ? 0 : n - 1;
    const int64_t mirror = std::clamp<int64_t>(2 * end - j, 0, n - 1);
    return 2.0 * values[size_t(end)] - values[size_t(mirror)];
  };
  std::vector<double> smoothed(values.size());
  for (int64_t i = 0; i < n; ++i) {
    double sum = 0, weight_sum = 0;
    for (int64_t j = i - radius; j <= i + radius; ++j) {
      const double z = double(j - i) / sigma;
      const double weight = std::exp(-0.5 * z * z);
      sum += weight * extended(j);
      weight_sum += weight;
    }
    smoothed[size_t(i)] = sum / weight_sum;
  }
  return smoothed;
}

std::vector<double> second_derivative(const std::vector<int64_t>& steps, const std::vector<double>& values) {
  SASMLM_CHECK(steps.size() == values.size(), "steps and values must have the same length");
  std::vector<double> a(values.size(), kNaN);
  for (size_t i = 1; i + 1 < values.size(); ++i) {
    const double left = double(steps[i] - steps[i - 1]);
    const double right = double(steps[i + 1] - steps[i]);
    SASMLM_CHECK(left > 0 && right > 0, "steps must be strictly increasing");
    const double slope_right = (values[i + 1] - values[i]) / right;
    const double slope_left = (values[i] - values[i - 1]) / left;
    a[i] = 2.0 * (slope_right - slope_left) / (left + right);
  }
  return a;
}

std::vector<double> first_derivative(const std::vector<int64_t>& steps, const std::vector<double>& values) {
  SASMLM_CHECK(steps.size() == values.size(), "steps and values must have the same length");
  std::vector<double> v(values.size(), kNaN);
  for (size_t i = 1; i + 1 < values.size(); ++i) {
    const double left = double(steps[i] - steps[i - 1]);
    const double right = double(steps[i + 1] - steps[i]);
    SASMLM_CHECK(left > 0 && right > 0, "steps must be strictly increasing");
    v[i] = (left * left * values[i + 1] - right * right * values[i - 1] + (right * right - left * left) * values[i]) /
           (left * right * (left + right));
  }
  return v;
}

std::optional<int64_t> find_loss_drop(const std::vector<int64_t>& steps, const std::vector<double>& loss,
                                      double sigma) {
  if (loss.size() != steps.size()) {
    throw UserError("onsets: " + std::to_string(loss.size()) + " MLM loss values for " +
                    std::to_string(steps.size()) + " eval steps (expected one per step)");
  }
  for (size_t i = 1; i < steps.size(); ++i) {
    if (steps[i] <= steps[i - 1]) {
      throw UserError("onsets: MLM loss steps must be strictly increasing, found step " + std::to_string(steps[i]) +
                      " after step " + std::to_string(steps[i - 1]));
    }
  }
  if (int64_t(loss.size()) < kMinOnsetPoints || !all_finite(loss)) return std::nullopt;
  const std::vector<double> slope = first_derivative(steps, smooth_series(loss, sigma));
  int64_t best = -1;
  // Interior local minima of the slope: both neighbours defined (slope is NaN at the two ends).
  for (size_t j = 2; j + 2 < slope.size(); ++j) {
    const bool local_min = slope[j] <= slope[j - 1] && slope[j] <= slope[j + 1];
    if (local_min && slope[j] < 0 && (best < 0 || slope[j] < slope[size_t(best)])) best = int64_t(j);
  }
  if (best < 0) return std::nullopt;
  return steps[size_t(best)];
}

Onsets find_onsets(const std::vector<int64_t>& steps, const std::vector<double>& uas,
                   const std::vector<double>& blimp, double sigma) {
  if (uas.size() != steps.size()) {
    throw UserError("onsets: " + std::to_string(uas.size()) + " UAS values for " + std::to_string(steps.size()) +
                    " eval steps (expected one per step)");
  }
  if (!blimp.empty() && blimp.size() != steps.size()) {
    throw UserError("onsets: " + std::to_string(blimp.size()) + " BLiMP values for " +
                    std::to_string(steps.size()) + " eval steps (expected one per step, or none)");
  }
  for (size_t i = 1; i < steps.size(); ++i) {
    if (steps[i] <= steps[i - 1]) {
      throw UserError("onsets: eval steps must be strictly increasing, found step " + std::to_string(steps[i]) +
                      " after step " + std::to_string(steps[i - 1]) + " (one eval per checkpoint, sorted by step)");
    }
  }
  Onsets onsets;
  onsets.sigma = sigma;
  onsets.points = int64_t(steps.size());
  std::vector<double> acceleration;
  const int64_t structure = series_peak(steps, uas, sigma, &acceleration);
  if (structure >= 0) {
    onsets.structure = steps[size_t(structure)];
    const int64_t plateau = next_minimum(acceleration, structure);
    if (plateau >= 0) onsets.capabilities = steps[size_t(plateau)];
  }
  const int64_t blimp_peak = blimp.empty() ? -1 : series_peak(steps, blimp, sigma, nullptr);
  if (blimp_peak >= 0) onsets.blimp = steps[size_t(blimp_peak)];
  return onsets;
}

nlohmann::json onsets_to_json(const Onsets& onsets) {
  auto step_or_null = [](const std::optional<int64_t>& step) {
    return step ? nlohmann::json(*step) : nlohmann::json(nullptr);
  };
  nlohmann::json out;
  out["structure_onset"] = step_or_null(onsets.structure);
  out["capabilities_onset"] = step_or_null(onsets.capabilities);
  out["blimp_onset"] = step_or_null(onsets.blimp);
  out["loss_drop_onset"] = step_or_null(onsets.loss_drop);
  out["smoothing"] = {{"kernel", "gaussian"}, {"sigma_points", onsets.sigma}};
  out["points"] = onsets.points;
  return out;
}

Onsets onsets_from_records(std::vector<nlohmann::json> lines) {
  std::stable_sort(lines.begin(), lines.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return a["step"].get<int64_t>() < b["step"].get<int64_t>();
  });
  // A resumed run may evaluate a step twice (the segment after the last checkpoint is replayed): keep the last.
  std::vector<nlohmann::json> unique;
  for (auto& line : lines) {
    if (!unique.empty() && unique.back()["step"] == line["step"]) unique.pop_back();
    unique.push_back(std::move(line));
  }
  lines = std::move(unique);
  std::vector<int64_t> steps;
  std::vector<double> uas, blimp;
  bool all_blimp = true;
  for (const auto& line : lines) {
    if (!line.contains("uas") || !line["uas"].is_number()) continue;
    steps.push_back(line["step"].get<int64_t>());
    uas.push_back(line["uas"].get<double>());
    const bool has_blimp = line.contains("blimp") && line["blimp"].is_object() &&
                           line["blimp"].contains("overall") && line["blimp"]["overall"].is_number();
    all_blimp = all_blimp && has_blimp;
    if (has_blimp) blimp.push_back(line["blimp"]["overall"].get<double>());
  }
  if (!all_blimp) blimp.clear();
  Onsets onsets = find_onsets(steps, uas, blimp);
  std::vector<int64_t> loss_steps;
  std::vector<double> loss;
  for (const auto& line : lines) {
    if (!line.contains("mlm_loss") || !line["mlm_loss"].is_number()) continue;
    loss_steps.push_back(line["step"].get<int64_t>());
    loss.push_back(line["mlm_loss"].get<double>());
  }
  onsets.loss_drop = find_loss_drop(loss_steps, loss, onsets.sigma);
  onsets.points = std::max(onsets.points, int64_t(loss_steps.size()));
  return onsets;
}

}  // namespace sasmlm
