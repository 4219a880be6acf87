#pragma once
#include "model/known_terms.hpp"

namespace npde {

// Smallest RK4 substep count per output step dt such that dt/substeps times the bound on the
// known terms' eigenvalues over the given states (columns) stays inside kRk4StableRadius.
// The network's own contribution is unknown in advance and not included.
int stable_substeps(const KnownTerms& terms, const Matrix& states, double dt);

}  // namespace npde
