// Random choices shared by the synthetic grammar and its minimal-pair paradigms.
#pragma once

#include <initializer_list>
#include <vector>

#include "sasmlm/core/rng.h"

namespace sasmlm::synth {

// Index of an element chosen uniformly among those satisfying `fits`, or -1 when none does.
template <class T, class Fits>
int pick_index(Rng& rng, const std::vector<T>& items, Fits fits) {
  uint64_t count = 0;
  for (const T& item : items) count += fits(item) ? 1 : 0;
  if (count == 0) return -1;
  uint64_t k = rng.below(count);
  for (size_t i = 0; i < items.size(); ++i) {
    if (fits(items[i]) && k-- == 0) return static_cast<int>(i);
  }
  return -1;
}

// Index drawn with probability proportional to its weight (zero weights are never drawn).
inline int choose(Rng& rng, std::initializer_list<double> weights) {
  double total = 0;
  for (double w : weights) total += w;
  double r = rng.uniform() * total;
  int i = 0, last_positive = 0;
  for (double w : weights) {
    if (w > 0) {
      if (r < w) return i;
      last_positive = i;
    }
    r -= w;
    ++i;
  }
  return last_positive;  // rounding left r just above the total
}

}  // namespace sasmlm::synth
