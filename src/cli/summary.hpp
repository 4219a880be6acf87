#pragma once
#include <ostream>
#include <string>

#include "pipeline/experiment.hpp"

namespace npde::cli {

// The human-readable summary of one experiment: setup, final loss, rollout error at the horizon
// per test IC, and max|lambda| per analysed state (model / truth / known terms only).
void print_summary(std::ostream& os, const ExperimentSpec& spec, const std::string& hash, const ExperimentResult& r);

}  // namespace npde::cli
