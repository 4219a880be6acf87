#pragma once
// The canonical text of an experiment: every setting explicit (defaults filled in), fixed key
// order, numbers printed to round-trip. It is what result files store and what is hashed, so
// two specs that compute the same thing have the same text and hash whatever their source
// files looked like. Reading the canonical text back as a job file gives the same spec.
#include <string>

#include "pipeline/experiment_spec.hpp"
#include "spec/sweep_file.hpp"

namespace npde {

constexpr int kSchemaVersion = 3;  // 2: store gained rollout/time and dimension scales;
                                   // 3: accurate truth-map Jacobians for adaptive truth data,
                                   //    closure errors

std::string canonical_toml(const ExperimentSpec& spec);
// The same for a sweep file: reading it back gives the same sweep, cells and hashes.
std::string canonical_sweep_toml(const SweepSpec& sweep);
std::string initial_condition_toml(const InitialCondition& ic);  // an inline table
// TOML values that read back to themselves: a float to 17 digits, a basic string escaped.
std::string toml_number(double v);
std::string toml_string(const std::string& s);

// 64-bit FNV-1a of the schema version and the canonical text, as 16 hex digits.
std::string content_hash(const std::string& canonical_text);

}  // namespace npde
