#include "key_suggestion.h"

#include "sasmlm/core/name_suggestion.h"

namespace sasmlm {

std::string unknown_key_problem(const std::string& name, const std::vector<std::string>& candidates,
                                const std::vector<std::string>& elsewhere) {
  std::string close = closest_name(name, candidates);
  if (!close.empty()) return "unknown key (did you mean '" + close + "'?)";
  for (const std::string& full : elsewhere) {
    size_t dot = full.find('.');
    if (dot != std::string::npos && full.compare(dot + 1, std::string::npos, name) == 0) {
      return "unknown key (did you mean '" + full + "'?)";
    }
  }
  std::string list;
  for (const std::string& candidate : candidates) list += (list.empty() ? "" : ", ") + candidate;
  return "unknown key (valid keys: " + list + ")";
}

}  // namespace sasmlm
