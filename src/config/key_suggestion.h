// "Did you mean ...?" for unknown config keys: the closest valid name by edit distance.
#pragma once

#include <string>
#include <vector>

namespace sasmlm {

// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent transpositions cost 1.
size_t edit_distance(const std::string& a, const std::string& b);

// The candidate closest to `name` when it is close enough to be a likely typo (distance at most a third of the
// name's length, and at least 1); "" otherwise. Ties go to the earlier candidate.
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);

// The problem text for an unknown key: "unknown key (did you mean 'max_steps'?)" when a candidate is close, else
// the dotted name of a field with exactly this name in another section (`elsewhere`, "tokenizer.vocab_size"),
// else "unknown key (valid keys: a, b, c)".
std::string unknown_key_problem(const std::string& name, const std::vector<std::string>& candidates,
                                const std::vector<std::string>& elsewhere);

}  // namespace sasmlm
