// "Did you mean ...?": the closest valid name to a mistyped one, by edit distance. Shared by the config reader
// (unknown keys) and the command line (unknown commands, options and choices), so both suggest alike.
#pragma once

#include <string>
#include <vector>

namespace sasmlm {

// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent transpositions cost 1.
size_t edit_distance(const std::string& a, const std::string& b);

// The candidate closest to `name` when it is close enough to be a likely typo (distance at most a third of the
// name's length, and at least 1); "" otherwise. Ties go to the earlier candidate.
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace sasmlm
