// Closure errors: the physics term is the continuous one, the discrete closure completes the
// model's known terms to the truth, and the two measures agree when the discretisation is exact.
#include <catch2/catch.hpp>

#include <cmath>

#include "model/pde_case.hpp"
#include "input/case_file.hpp"
#include "pipeline/closure.hpp"

using namespace npde;

namespace {

Matrix sine_states(int n, double length, int wavenumber) {
  Matrix s(n, 2);
  for (int j = 0; j < n; ++j) {
    const double x = j * length / n, k = 2 * M_PI * wavenumber / length;
    s(j, 0) = std::sin(k * x);
    s(j, 1) = 0.5 + 2 * std::cos(k * x);
  }
  return s;
}

}  // namespace

TEST_CASE("The physics closure is the replaced term with exact derivatives", "[pipeline][closure]") {
  const double k = 3.0;
  const PdeSettings burgers = builtin_pde("burgers", 32, 2 * M_PI, {0.03}, "central6");
  const PdeSettings gkdv = builtin_pde("gkdv", 48, 5 * M_PI, {0.5}, "central2");
  {
    const Matrix u = sine_states(burgers.resolution, burgers.length, 3);
    Vector out(burgers.resolution);
    make_physics_closure_terms(burgers).eval(u.col(0).data(), out.data());
    CHECK((out + burgers.parameter("viscosity") * k * k * u.col(0)).cwiseAbs().maxCoeff() < 1e-10);  // nu u_xx
  }
  {
    const double kg = 2 * M_PI * 3 / gkdv.length;
    const Matrix u = sine_states(gkdv.resolution, gkdv.length, 3);
    Vector out(gkdv.resolution), want(gkdv.resolution);
    make_physics_closure_terms(gkdv).eval(u.col(0).data(), out.data());
    for (int j = 0; j < gkdv.resolution; ++j) {
      const double ux = kg * std::cos(kg * j * gkdv.dx());
      want[j] = gkdv.parameter("rotation") * ux - 1.5 * u(j, 0) * ux;  // w0 u_x - 1.5 u u_x
    }
    CHECK((out - want).cwiseAbs().maxCoeff() < 1e-10);
  }
}

TEST_CASE("Closure errors: a silent network misses both closures by exactly 1", "[pipeline][closure]") {
  const PdeSettings pde = builtin_pde("burgers", 24, 2 * M_PI, {0.05}, "central6");
  NeuralRhs model(make_model_known_terms(pde, "central2"), Mlp({24, 5, 24}));
  const Vector zero = Vector::Zero(model.network().parameter_count());  // NN(u) = 0
  const ClosureErrors e = closure_errors(model, zero, make_truth_terms(pde, "backward1"),
                                         make_physics_closure_terms(pde), sine_states(24, pde.length, 2));
  CHECK(e.discrete == Approx(1.0).epsilon(1e-14));
  CHECK(e.physics == Approx(1.0).epsilon(1e-14));
}

TEST_CASE("Closure errors coincide when the data's discretisation is exact", "[pipeline][closure]") {
  // Same advection stencil in data and model and a spectral diffusion operator: the discrete
  // closure is the physics term, so any network is equally far from both.
  const PdeSettings pde = builtin_pde("burgers", 24, 2 * M_PI, {0.05}, "spectral");
  NeuralRhs model(make_model_known_terms(pde, "central4"), Mlp({24, 6, 24}));
  const Vector theta = model.network().glorot_uniform(7);
  const ClosureErrors e = closure_errors(model, theta, make_truth_terms(pde, "central4"),
                                         make_physics_closure_terms(pde), sine_states(24, pde.length, 2));
  CHECK(e.discrete > 0.1);
  CHECK(e.discrete == Approx(e.physics).epsilon(1e-12));
}
