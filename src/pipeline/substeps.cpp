#include "pipeline/substeps.hpp"

#include <algorithm>
#include <cmath>

#include "numerics/rk4.hpp"

namespace npde {

int stable_substeps(const KnownTerms& terms, const Matrix& states, double dt) {
  const double z = dt * terms.stability_bound(states);
  return std::max(1, static_cast<int>(std::ceil(z / kRk4StableRadius)));
}

}  // namespace npde
