#include "pipeline/analysis.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "numerics/time_stepper.hpp"

namespace npde {

Rollout rollout(NeuralRhs& rhs, const Vector& theta, const Vector& u0, double dt, int substeps, int steps,
                double blowup_bound, const Cancellation& cancel, const Stepping& stepping) {
  Rollout r;
  r.states = Matrix::Constant(u0.size(), steps + 1, std::numeric_limits<double>::quiet_NaN());
  r.states.col(0) = u0;
  Vector u = u0;
  TimeStepper stepper(stepping, static_cast<int>(u0.size()), dt / substeps);
  rhs.set_parameters(theta);
  auto eval = [&](int, const Vector& y, Vector& k) { rhs.eval(-1, y, k); };
  for (int n = 1; n <= steps; ++n) {
    cancel.check();
    for (int j = 0; j < substeps; ++j) stepper.step(eval, u);
    if (!u.allFinite() || u.cwiseAbs().maxCoeff() > blowup_bound) {
      r.diverged_at = n;
      break;
    }
    r.states.col(n) = u;
  }
  return r;
}

Vector relative_l2_error(const Matrix& model, const Matrix& truth) {
  Vector e(model.cols());
  for (long n = 0; n < model.cols(); ++n) e[n] = (model.col(n) - truth.col(n)).norm() / truth.col(n).norm();
  return e;
}

namespace {

template <class Tangent>
Matrix flow_jacobian(const Stepping& stepping, Tangent&& tangent, const Vector& u0, double dt, int substeps,
                     int steps, const Cancellation& cancel) {
  const int n = static_cast<int>(u0.size());
  Vector u = u0;
  Matrix J = Matrix::Identity(n, n);
  TimeStepper stepper(stepping, n, dt / substeps, n);
  for (int s = 0; s < steps * substeps; ++s) {
    cancel.check();
    stepper.tangent_step(tangent, u, J);
  }
  return J;
}

}  // namespace

Matrix model_flow_jacobian(NeuralRhs& rhs, const Vector& theta, const Vector& u, double dt, int substeps, int steps,
                           const Cancellation& cancel, const Stepping& stepping) {
  rhs.set_parameters(theta);
  auto tangent = [&](const Vector& y, Vector& k, const Matrix& Y, Matrix& K) { rhs.tangent(y, k, Y, K); };
  return flow_jacobian(stepping, tangent, u, dt, substeps, steps, cancel);
}

Matrix terms_flow_jacobian(const KnownTerms& terms, const Vector& u, double dt, int substeps, int steps,
                           const Cancellation& cancel, const Stepping& stepping) {
  auto tangent = [&](const Vector& y, Vector& k, const Matrix& Y, Matrix& K) {
    terms.eval(y.data(), k.data());
    terms.jvp(y.data(), Y, K);
  };
  return flow_jacobian(stepping, tangent, u, dt, substeps, steps, cancel);
}

double saturation_share(NeuralRhs& rhs, const Vector& theta, const Matrix& states, double threshold) {
  long saturated = 0, total = 0;
  Vector k(rhs.size());
  rhs.set_parameters(theta);
  for (long c = 0; c < states.cols(); ++c) {
    if (!states.col(c).allFinite()) continue;
    rhs.eval(-1, states.col(c), k);
    const Vector& a = rhs.last_hidden();
    for (long i = 0; i < a.size(); ++i) saturated += (1.0 - a[i] * a[i]) < threshold;
    total += a.size();
  }
  return total ? static_cast<double>(saturated) / total : std::nan("");
}

}  // namespace npde
