// Exact gradients: the discrete adjoint of every training loss against central finite
// differences, the model's step-map Jacobian against finite differences, and tangent versus
// adjoint (<v, J w> = <J^T v, w>).
#include <catch2/catch.hpp>

#include "model/pde_case.hpp"
#include "pipeline/analysis.hpp"
#include "pipeline/initial_condition.hpp"
#include "pipeline/training.hpp"
#include "pipeline/truth.hpp"
#include "small_case.hpp"

using namespace npde;

namespace {

struct Setup {
  ExperimentSpec spec;
  NeuralRhs rhs;
  Vector theta;
  Matrix truth;
  int substeps;
  Stepping stepping;
};

// With an exponential stepper the model's stages evaluate its known terms without their linear
// part, which the stepper takes (split_for_stepper).
Setup make_setup(const ExperimentSpec& spec, const std::string& stepper = "rk4") {
  const KnownTerms truth_terms = make_truth_terms(spec.pde, spec.train_stencil);
  SplitTerms split = split_for_stepper(make_model_known_terms(spec.pde, spec.infer_stencil), Stepper::named(stepper));
  NeuralRhs rhs(split.stages, spec.network());
  // Scale the weights up so the network term is not negligible next to the known terms.
  Vector theta = 3.0 * rhs.network().glorot_uniform(spec.seed);
  theta.array() += 0.05;  // non-zero biases too
  const Vector u0 = sample_initial_condition(spec.train_ic, spec.pde.resolution, spec.pde.length);
  Matrix truth = generate_truth(truth_terms, u0, spec.dt, spec.steps, spec.integrator, 4).states;
  return {spec, std::move(rhs), theta, truth, spec.integrator.substeps > 0 ? spec.integrator.substeps : 4,
          split.stepping};
}

// Compares the adjoint gradient with central differences over every parameter.
void check_gradient(Setup& s, int steps, int loss_from, const Vector& u0) {
  UnrolledLoss loss(s.rhs, s.spec.dt, s.substeps, steps, s.stepping);
  Vector grad;
  loss.evaluate(s.theta, u0, steps, loss_from, s.truth.middleCols(1, steps), grad);
  Vector scratch;
  const double eps = 1e-5;
  double max_rel = 0;
  for (long p = 0; p < s.theta.size(); ++p) {
    Vector tp = s.theta, tm = s.theta;
    tp[p] += eps;
    tm[p] -= eps;
    const double lp = loss.evaluate(tp, u0, steps, loss_from, s.truth.middleCols(1, steps), scratch);
    const double lm = loss.evaluate(tm, u0, steps, loss_from, s.truth.middleCols(1, steps), scratch);
    const double fd = (lp - lm) / (2 * eps);
    max_rel = std::max(max_rel, std::abs(fd - grad[p]) / (grad.cwiseAbs().maxCoeff()));
  }
  INFO("max relative deviation (scaled by max|grad|): " << max_rel);
  CHECK(max_rel <= 1e-6);
}

}  // namespace

TEST_CASE("Autoregressive loss gradient matches central finite differences", "[pipeline][gradient]") {
  Setup s = make_setup(testing::small_burgers());
  SECTION("one transition (per-transition update)") { check_gradient(s, 1, 1, s.truth.col(0)); }
  SECTION("two transitions, summed, gradient through the chain") { check_gradient(s, 2, 1, s.truth.col(0)); }
  SECTION("from a state that is not the initial condition") { check_gradient(s, 1, 1, s.truth.col(2) * 1.1); }
}

TEST_CASE("The training gradient through every stepper matches central finite differences",
          "[pipeline][gradient][steppers]") {
  for (const std::string& name : time_stepper_names())
    for (const ExperimentSpec& spec : {testing::small_burgers(), testing::small_gkdv(),
                                       testing::with_cnn(testing::small_burgers())}) {
      INFO(spec.name << " " << name);
      Setup s = make_setup(spec, name);
      check_gradient(s, 2, 1, s.truth.col(0));
    }
}

TEST_CASE("One-shot loss gradient matches central finite differences", "[pipeline][gradient]") {
  for (const ExperimentSpec& spec : {testing::small_gkdv(), testing::with_cnn(testing::small_gkdv())}) {
    INFO(spec.name);
    Setup s = make_setup(spec);
    check_gradient(s, s.spec.steps, s.spec.steps, s.truth.col(0));
  }
}

TEST_CASE("Model step-map Jacobian matches finite differences and the adjoint, for every stepper", "[pipeline][jacobian]") {
  for (const std::string& stepper_name : time_stepper_names())
  for (const ExperimentSpec& spec : {testing::small_burgers(), testing::small_gkdv(),
                                     testing::with_cnn(testing::small_gkdv(), {4}, 3)}) {
    INFO(spec.name << " " << stepper_name);
    Setup s = make_setup(spec, stepper_name);
    const Stepping& stepper = s.stepping;
    const int n = spec.pde.resolution;
    const Vector u = s.truth.col(1);
    const Matrix J = model_flow_jacobian(s.rhs, s.theta, u, spec.dt, s.substeps, 2, {}, stepper);

    auto step_map = [&](const Vector& x) {
      Rollout r = rollout(s.rhs, s.theta, x, spec.dt, s.substeps, 2, 1e300, {}, stepper);
      return Vector(r.states.col(2));
    };
    const double eps = 1e-6;
    for (int c = 0; c < n; c += 5) {
      Vector up = u, um = u;
      up[c] += eps;
      um[c] -= eps;
      const Vector fd = (step_map(up) - step_map(um)) / (2 * eps);
      CHECK((fd - J.col(c)).norm() <= 1e-7 * std::max(1.0, fd.norm()));
    }

    // Adjoint of the same two-step map through the training code's reverse pass: with
    // loss = sum((u_2 - y)^2) / n and y = u_2 - (n/2) v, the cotangent of u_2 is v, so the
    // input gradient is J^T v.
    const Vector v = Vector::LinSpaced(n, -1, 2), w = Vector::LinSpaced(n, 1, -0.5).array().sin();
    UnrolledLoss loss(s.rhs, spec.dt, s.substeps, 2, stepper);
    Matrix targets = Matrix::Zero(n, 2);
    Vector grad, u2, jtv;
    loss.evaluate(s.theta, u, 2, 3, targets, grad, &u2);  // loss_from 3 > steps: forward only
    targets.col(1) = u2 - (n / 2.0) * v;
    loss.evaluate(s.theta, u, 2, 2, targets, grad, nullptr, &jtv);
    const double lhs = v.dot(J * w), rhs = jtv.dot(w);
    CHECK(std::abs(lhs - rhs) <= 1e-12 * std::abs(lhs));
  }
}
