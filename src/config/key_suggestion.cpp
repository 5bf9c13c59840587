#include "key_suggestion.h"

#include "sasmlm/core/name_suggestion.h"

namespace sasmlm {

std::string unknown_key_problem(const std::string& name, const std::vector<std::string>& candidates,
                                const std::vector<std::string>& elsewhere) {
  const std::string hint = did_you_mean(name, candidates, "'");
  if (!hint.empty()) return "unknown key (" + hint + ")";
  for (const std::string& full : elsewhere) {
    size_t dot = full.find('.');
    if (dot != std::string::npos && full.compare(dot + 1, std::string::npos, name) == 0) {
      return "unknown key (did you mean '" + full + "'?)";
    }
  }
  return "unknown key (valid keys: " + join_names(candidates) + ")";
}

}  // namespace sasmlm
