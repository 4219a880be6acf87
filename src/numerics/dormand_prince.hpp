#pragma once
// Adaptive Dormand-Prince 5(4) with FSAL and the standard elementary step-size controller,
// for truth data. Deterministic: the same inputs give the same sequence of steps.
#include <functional>

#include <Eigen/Dense>

namespace npde {

struct AdaptiveOptions {
  double rtol = 1e-10;
  double atol = 1e-12;
  double initial_step = 1e-4;
  long max_steps = 50'000'000;
};

struct AdaptiveStats {
  long accepted = 0;
  long rejected = 0;
  double last_step = 0.0;  // carried into the next call so output steps do not restart small
};

using RhsFunction = std::function<void(const Eigen::VectorXd& y, Eigen::VectorXd& dydt)>;

// Integrates y from t0 to t1 in place; hits t1 exactly. Throws std::runtime_error when the
// step size underflows or the state stops being finite (a blow-up the caller records).
void integrate_dopri5(const RhsFunction& f, double t0, double t1, Eigen::VectorXd& y, const AdaptiveOptions& opt,
                      AdaptiveStats& stats);

// Its Butcher tables: dopri5_pair() in numerics/runge_kutta.hpp.

}  // namespace npde
