#pragma once
// The initial-condition families, one table: a new family is one entry in initial_condition.cpp
// (job files read it, canonical text, labels and the docs' list follow from the entry).
#include <vector>

#include <Eigen/Dense>

#include "pipeline/experiment_spec.hpp"

namespace npde {

struct IcFamily {
  IcKind kind;
  const char* name;              // `kind = "..."` in job files and canonical text
  const char* parameter;         // the key of its own parameter (InitialCondition::shape), or nullptr
  const char* label_parameter;   // how labels name that parameter ("sine(A=5,c=2.5)")
  bool positive_amplitude;       // the amplitude must be > 0 (else any finite number)
  const char* formula;           // u(x) in words, for the docs and --help
  // u_j on the periodic grid x_j = j L / N, j = 0..N-1
  void (*sample)(const InitialCondition& ic, double length, Eigen::VectorXd& u);
};

const std::vector<IcFamily>& ic_families();
const IcFamily& ic_family(IcKind kind);

// Samples the initial condition on the periodic grid x_j = j * dx, j = 0..N-1.
Eigen::VectorXd sample_initial_condition(const InitialCondition& ic, int n, double length);

}  // namespace npde
