// Training-dynamics onsets (Chen et al. 2024) from a run's eval series.
//
// Rule, applied to each series against its eval steps:
//   1. Smoothing: a Gaussian kernel over eval points (index space, sigma = `sigma` points, default 1), truncated
//      at 3 sigma; beyond the ends the series is extended by point reflection (f(-k) = 2 f(0) - f(k)), which keeps
//      straight lines straight, so the ends gain no curvature. Index space, not step space, so log-spaced
//      checkpoints are smoothed as evenly as linear ones.
//   2. Acceleration: the three-point second derivative for uneven spacing,
//        a_i = 2 [ (f_{i+1} - f_i) / h_r - (f_i - f_{i-1}) / h_l ] / (h_l + h_r),  h_l = s_i - s_{i-1}, h_r = s_{i+1} - s_i,
//      at the interior points 1..n-2.
//   3. structure onset = the step where the smoothed UAS acceleration peaks (the largest positive a_i; none when
//      no a_i > 0: UAS never accelerates). capabilities onset = the next local minimum of that acceleration after
//      the structure onset (the bend into the UAS plateau: first interior j > i with a_j <= a_{j-1} and
//      a_j <= a_{j+1}; none when the acceleration still falls at the last interior point). blimp onset = the step
//      where the smoothed BLiMP acceleration peaks (same rule as the structure onset).
//   4. loss-drop onset = the step where the smoothed MLM loss falls fastest: the most negative interior local
//      minimum of its slope (three-point first derivative for uneven spacing,
//        v_i = [h_l^2 f_{i+1} - h_r^2 f_{i-1} + (h_r^2 - h_l^2) f_i] / (h_l h_r (h_l + h_r)) ),
//      i.e. a point where the fall speeds up and then slows down. A local minimum, so the steep but steadily
//      slowing fall right after initialisation is not a drop; none when the slope has no interior local minimum.
//      Its series is the held-out mlm_loss of the eval records (its own steps; UAS need not be present).
// Series of fewer than kMinOnsetPoints points, or holding a non-finite value, give no onset (null in JSON).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

namespace sasmlm {

constexpr int64_t kMinOnsetPoints = 5;
constexpr double kDefaultOnsetSigma = 1.0;

struct Onsets {
  std::optional<int64_t> structure;     // step of peak smoothed UAS acceleration
  std::optional<int64_t> capabilities;  // step of the next acceleration minimum after it (UAS plateau)
  std::optional<int64_t> blimp;         // step of peak smoothed BLiMP acceleration
  std::optional<int64_t> loss_drop;     // step where the smoothed MLM loss falls fastest (rule 4)
  double sigma = kDefaultOnsetSigma;    // smoothing width used, in eval points
  int64_t points = 0;                   // eval points in the longest series (UAS, or the loss for records)
};

// Gaussian smoothing over indices (rule 1); sigma <= 0 returns the values unchanged.
std::vector<double> smooth_series(const std::vector<double>& values, double sigma);

// Rule 2 at every point; the two end points, where it is undefined, are NaN. steps strictly increasing.
std::vector<double> second_derivative(const std::vector<int64_t>& steps, const std::vector<double>& values);

// Rule 4's three-point first derivative at every point; the two end points are NaN. steps strictly increasing.
std::vector<double> first_derivative(const std::vector<int64_t>& steps, const std::vector<double>& values);

// Rule 4 on an MLM loss series (one value per step; UserError on unsorted steps or mismatched lengths).
std::optional<int64_t> find_loss_drop(const std::vector<int64_t>& steps, const std::vector<double>& loss,
                                      double sigma = kDefaultOnsetSigma);

// `uas` has one value per step; `blimp` one per step or is empty (no BLiMP onset). Steps must be strictly
// increasing (UserError naming the offending steps otherwise); mismatched lengths are UserError too.
Onsets find_onsets(const std::vector<int64_t>& steps, const std::vector<double>& uas,
                   const std::vector<double>& blimp /*may be empty*/, double sigma = kDefaultOnsetSigma);

// The onsets of a run's evaluation records (eval.jsonl lines, or the "split": "dev" lines of metrics.jsonl), in any
// order; of records with the same step the last one counts. The UAS and BLiMP series come from the records holding
// "uas" (BLiMP only when every one of them has "blimp.overall"), the loss-drop series from those holding "mlm_loss".
Onsets onsets_from_records(std::vector<nlohmann::json> records);

// {"structure_onset": STEP|null, "capabilities_onset": STEP|null, "blimp_onset": STEP|null,
//  "loss_drop_onset": STEP|null,
//  "smoothing": {"kernel": "gaussian", "sigma_points": S}, "points": N}
nlohmann::json onsets_to_json(const Onsets& onsets);

}  // namespace sasmlm
