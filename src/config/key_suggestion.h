// "Did you mean ...?" for unknown config keys, built on the shared edit-distance helper (core/name_suggestion.h).
#pragma once

#include <string>
#include <vector>

namespace sasmlm {

// The problem text for an unknown key: "unknown key (did you mean 'max_steps'?)" when a candidate is close, else
// the dotted name of a field with exactly this name in another section (`elsewhere`, "tokenizer.vocab_size"),
// else "unknown key (valid keys: a, b, c)".
std::string unknown_key_problem(const std::string& name, const std::vector<std::string>& candidates,
                                const std::vector<std::string>& elsewhere);

}  // namespace sasmlm
