// "Did you mean ...?": the closest valid name to a mistyped one, by edit distance; and "expected one of a, b, c",
// the list of the valid names. Shared by the config reader and validator (unknown keys, values outside a choice), the
// command line (unknown commands, options and choices) and the log levels, so all of them answer alike.
#pragma once

#include <string>
#include <vector>

namespace sasmlm {

// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent transpositions cost 1.
size_t edit_distance(const std::string& a, const std::string& b);

// The candidate closest to `name` when it is close enough to be a likely typo (distance at most a third of the
// name's length, and at least 1); "" otherwise. Ties go to the earlier candidate.
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);

// "did you mean <quote>X<quote>?" with X the closest_name of `name`; `otherwise` when no candidate is close.
std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates, const std::string& quote,
                         const std::string& otherwise = "");

// `names` joined by `separator`: "a, b, c". Inline because the logging library (sasmlm_log, built apart from the
// core library, see logging.h) lists the log levels with it too.
inline std::string join_names(const std::vector<std::string>& names, const std::string& separator = ", ") {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i > 0 ? separator : "") + names[i];
  return out;
}

}  // namespace sasmlm
