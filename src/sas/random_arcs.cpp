#include "sasmlm/sas/random_arcs.h"

#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/core/rng.h"

#include <algorithm>
#include <vector>

namespace sasmlm {
namespace {

constexpr uint64_t kRandomArcsStream = 0x5A5A4C0ull;  // separates this stream from other users of the same key
constexpr int kRejectionTries = 8;                     // cheap draws before enumerating a row's free pairs

// Per-row bookkeeping: the usable position range and which directed pairs are taken (real arcs, drawn pairs).
struct RowState {
  int64_t lo = 1;   // first usable position (after [CLS])
  int64_t hi = 0;   // last usable position (before the final [SEP]); hi < lo: no usable positions
  std::vector<uint8_t> taken;  // (T * T) flags, x * T + y
};

// Draws a free pair (x, x + d) in `row`, or returns -1 when it has none.
int64_t draw_in_row(RowState& row, int64_t length, int64_t d, Rng& rng) {
  const int64_t first = std::max(row.lo, row.lo - d), last = std::min(row.hi, row.hi - d);
  if (first > last) return -1;
  const uint64_t span = uint64_t(last - first + 1);
  auto free_at = [&](int64_t x) { return row.taken[x * length + x + d] == 0; };
  // Rejection first, then enumeration: both pick uniformly among the free pairs.
  for (int attempt = 0; attempt < kRejectionTries; ++attempt) {
    const int64_t x = first + int64_t(rng.below(span));
    if (free_at(x)) return x;
  }
  std::vector<int64_t> free;
  for (int64_t x = first; x <= last; ++x) {
    if (free_at(x)) free.push_back(x);
  }
  if (free.empty()) return -1;
  return free[rng.below(free.size())];
}

void take(RowState& row, int64_t length, int64_t x, int64_t y) {
  row.taken[x * length + y] = 1;
  row.taken[y * length + x] = 1;
}

}  // namespace

torch::Tensor sample_random_arcs(const torch::Tensor& arcs, const torch::Tensor& attention_mask, uint64_t rng_key) {
  SASMLM_CHECK(arcs.dim() == 2 && arcs.size(1) == 3 && arcs.scalar_type() == torch::kInt64,
               cat("arcs must be (A, 3) int64, got ", arcs.sizes()));
  SASMLM_CHECK(attention_mask.dim() == 2 && attention_mask.scalar_type() == torch::kBool,
               cat("attention_mask must be (B, T) bool, got ", attention_mask.sizes()));
  const int64_t batch = attention_mask.size(0), length = attention_mask.size(1);
  const torch::Tensor arcs_cpu = arcs.to(torch::kCPU).contiguous();
  const torch::Tensor mask_cpu = attention_mask.to(torch::kCPU).contiguous();
  const auto a = arcs_cpu.accessor<int64_t, 2>();
  const auto m = mask_cpu.accessor<bool, 2>();

  std::vector<RowState> rows(static_cast<size_t>(batch));
  for (int64_t b = 0; b < batch; ++b) {
    int64_t last_real = -1;
    for (int64_t t = 0; t < length; ++t) {
      if (m[b][t]) last_real = t;
    }
    rows[b].hi = last_real - 1;
    rows[b].taken.assign(size_t(length * length), 0);
    // Padding inside a row (not produced by the data module, but cheap to honour): never draw a padded position.
    for (int64_t t = 1; t < last_real; ++t) {
      if (m[b][t]) continue;
      for (int64_t u = 0; u < length; ++u) take(rows[b], length, t, u);
    }
  }
  for (int64_t k = 0; k < arcs_cpu.size(0); ++k) take(rows[a[k][0]], length, a[k][1], a[k][2]);

  Rng rng(derive_key(rng_key, kRandomArcsStream));
  std::vector<int64_t> flat;
  flat.reserve(size_t(arcs_cpu.size(0) * 3));
  int64_t dropped = 0;
  for (int64_t k = 0; k < arcs_cpu.size(0); ++k) {
    const int64_t own = a[k][0], d = a[k][2] - a[k][1];
    int64_t row = own, x = draw_in_row(rows[own], length, d, rng);
    if (x < 0 && batch > 1) {
      const int64_t offset = int64_t(rng.below(uint64_t(batch - 1)));
      for (int64_t step = 0; step < batch - 1 && x < 0; ++step) {
        row = (own + 1 + (offset + step) % (batch - 1)) % batch;
        x = draw_in_row(rows[row], length, d, rng);
      }
    }
    if (x < 0) {
      ++dropped;
      continue;
    }
    take(rows[row], length, x, x + d);
    flat.insert(flat.end(), {row, x, x + d});
  }
  if (dropped > 0) log_debug("random_arcs: ", dropped, " of ", arcs_cpu.size(0), " pairs fit no row and were dropped");
  const int64_t count = int64_t(flat.size()) / 3;
  return torch::tensor(flat, torch::kInt64).view({count, 3}).to(arcs.device());
}

}  // namespace sasmlm
