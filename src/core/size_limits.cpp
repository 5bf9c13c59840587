#include "sasmlm/core/size_limits.h"

#include "sasmlm/core/error.h"

namespace sasmlm {

void check_at_most(const std::string& key, int64_t value, int64_t limit, const std::string& hint) {
  if (value <= limit) return;
  throw UserError(key + ": must be <= " + std::to_string(limit) + ", got " + std::to_string(value) +
                  (hint.empty() ? "" : " (hint: " + hint + ")"));
}

}  // namespace sasmlm
