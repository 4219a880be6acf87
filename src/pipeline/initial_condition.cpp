#include "pipeline/initial_condition.hpp"

#include <cmath>
#include <stdexcept>

namespace npde {

Eigen::VectorXd sample_initial_condition(const InitialCondition& ic, int n, double length) {
  Eigen::VectorXd u(n);
  if (ic.kind == "step") {
    u.setOnes();
    for (int j = 1; j <= n / 2 - 1; ++j) u[j] = ic.amplitude;
  } else if (ic.kind == "sine") {
    const double dx = length / n;
    for (int j = 0; j < n; ++j) u[j] = -ic.amplitude * std::sin(j * dx / ic.wavelength + M_PI);
  } else {
    throw std::invalid_argument("unknown initial condition kind '" + ic.kind + "'");
  }
  return u;
}

}  // namespace npde
