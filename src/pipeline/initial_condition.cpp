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
  } else if (ic.kind == "soliton") {
    const double dx = length / n, k = std::sqrt(ic.amplitude / 2.0);
    for (int j = 0; j < n; ++j) {
      const double s = 1.0 / std::cosh(k * (j * dx - 0.5 * length));
      u[j] = ic.amplitude * s * s;
    }
  } else if (ic.kind == "kink") {
    const double dx = length / n;
    for (int j = 0; j < n; ++j) {
      const double x = j * dx;
      u[j] = ic.amplitude * (std::tanh((x - 0.25 * length) / ic.width) - std::tanh((x - 0.75 * length) / ic.width) - 1.0);
    }
  } else {
    throw std::invalid_argument("unknown initial condition kind '" + ic.kind + "'");
  }
  return u;
}

}  // namespace npde
