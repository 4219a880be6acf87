#pragma once
// "Did you mean": the closest of a set of names to a mistyped one, for the messages that refuse
// an unknown command, key, metric or value.
#include <cstddef>
#include <string>
#include <vector>

namespace npde {

// Levenshtein distance (insertions, deletions, substitutions).
size_t edit_distance(const std::string& a, const std::string& b);

// The candidate closest to `name` when it is close enough to be a typo (distance at most 2, or a
// third of the name's length for long names; ties: the first), else "".
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);

// "; did you mean 'X'?" for closest_name's X, else "".
std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace npde
