// Richardson-corrected truth data (integrator.truth_correction = "richardson",
// pipeline/truth.hpp): the combination matches its closed form on a Fourier mode of linear
// advection-diffusion, and the corrected data converge at the raised order, measured against
// the exact solution.
#include <catch2/catch.hpp>

#include <cmath>

#include "model/pde_case.hpp"
#include "numerics/stencil.hpp"
#include "pipeline/initial_condition.hpp"
#include "pipeline/truth.hpp"
#include "input/case_file.hpp"

using namespace npde;

namespace {

// u_t = -a u_x + nu u_xx with the varied advection stencil `train` and the diffusion exact
// (spectral), from u0 = sin(x) on [0, 2 pi): the exact solution is exp(-nu t) sin(x - a t).
ExperimentSpec advection(const std::string& train, int n) {
  ExperimentSpec s;
  s.name = "richardson";
  s.pde = builtin_pde("advdiff", n, 2 * M_PI, {1.0, 0.05}, "spectral");
  s.dt = 0.1;
  s.steps = 10;
  s.train_stencil = s.infer_stencil = train;
  s.train_ic = {IcKind::sine, 1.0, 1.0};  // -sin(x + pi) = sin(x)
  s.integrator.truth_rtol = 1e-13;
  s.integrator.truth_atol = 1e-14;
  s.integrator.truth_correction = TruthCorrection::richardson;
  return s;
}

Eigen::MatrixXd corrected(const ExperimentSpec& s) {
  const Eigen::VectorXd u0 = sample_initial_condition(s.train_ic, s.pde.resolution, s.pde.length);
  const TruthTrajectory coarse =
      generate_truth(make_truth_terms(s.pde, s.train_stencil), u0, s.dt, s.steps, s.integrator, 0);
  const TruthTrajectory r = richardson_truth(s, s.train_ic, coarse);
  REQUIRE(r.ok);
  return r.states;
}

Eigen::MatrixXd uncorrected(const ExperimentSpec& s) {
  const Eigen::VectorXd u0 = sample_initial_condition(s.train_ic, s.pde.resolution, s.pde.length);
  return generate_truth(make_truth_terms(s.pde, s.train_stencil), u0, s.dt, s.steps, s.integrator, 0).states;
}

// max over grid and output steps of |u - exact|
double error(const ExperimentSpec& s, const Eigen::MatrixXd& u) {
  double e = 0;
  for (long c = 0; c < u.cols(); ++c)
    for (long j = 0; j < u.rows(); ++j) {
      const double x = j * s.pde.length / s.pde.resolution, t = c * s.dt;
      e = std::max(e, std::abs(u(j, c) - std::exp(-0.05 * t) * std::sin(x - t)));
    }
  return e;
}

}  // namespace

TEST_CASE("Richardson order: the training stencil's order of accuracy", "[truth][richardson]") {
  CHECK(richardson_order(advection("backward1", 16)) == 1);
  CHECK(richardson_order(advection("central2", 16)) == 2);
  CHECK(richardson_order(advection("central4", 16)) == 4);
  CHECK(richardson_order(advection("forward2", 16)) == 2);
  CHECK(richardson_order(advection("spectral", 16)) == 0);
}

TEST_CASE("Richardson-corrected data equal their closed form on a Fourier mode", "[truth][richardson]") {
  // On u0 = sin(x) = Im e^{ix} the semi-discrete solution with stencil S on spacing h is
  // Im exp((-a s(h) - nu) t) e^{i x_j}, s(h) = symbol(S, h) (S e^{ikx} = s e^{ikx}); so the
  // corrected data are (2^p u_2N - u_N) / (2^p - 1) of two such modes, in closed form.
  for (const std::string train : {"backward1", "central2", "central4", "backward2"}) {
    const ExperimentSpec s = advection(train, 16);
    const int n = s.pde.resolution, p = richardson_order(s);
    const double h = s.pde.length / n, f = std::ldexp(1.0, p);
    const std::complex<double> sc = symbol(make_stencil(train, 1, n, h), h);
    const std::complex<double> sf = symbol(make_stencil(train, 1, 2 * n, h / 2), h / 2);
    const Eigen::MatrixXd u = corrected(s);
    double worst = 0;
    for (int c = 0; c <= s.steps; ++c)
      for (int j = 0; j < n; ++j) {
        const double t = c * s.dt;
        const std::complex<double> mode = std::exp(std::complex<double>(0, j * h));
        const double coarse = std::imag(std::exp((-sc - 0.05) * t) * mode);
        const double fine = std::imag(std::exp((-sf - 0.05) * t) * mode);
        worst = std::max(worst, std::abs(u(j, c) - (f * fine - coarse) / (f - 1)));
      }
    INFO(train << ": largest difference from the closed form " << worst);
    CHECK(worst < 1e-12);  // to the integrator's tolerance (1e-13 relative); measured 1e-14
  }
}

TEST_CASE("Richardson-corrected data converge at the raised order", "[truth][richardson]") {
  // Measured order log2(e_N / e_2N) at N = 32 -> 64 against the exact solution: the stencil's
  // p uncorrected, p + 1 corrected for one-sided stencils (the next Taylor term), p + 2 for
  // central ones (their expansions hold even powers of h only).
  struct Expect {
    const char* stencil;
    double plain, corrected;
  };
  for (const Expect& x : {Expect{"backward1", 1, 2}, Expect{"central2", 2, 4}, Expect{"backward2", 2, 3}}) {
    const ExperimentSpec a = advection(x.stencil, 32), b = advection(x.stencil, 64);
    const double plain = std::log2(error(a, uncorrected(a)) / error(b, uncorrected(b)));
    const double fixed = std::log2(error(a, corrected(a)) / error(b, corrected(b)));
    INFO(x.stencil << ": measured orders " << plain << " uncorrected, " << fixed << " corrected");
    CHECK(std::abs(plain - x.plain) < 0.15);
    CHECK(std::abs(fixed - x.corrected) < 0.15);
    CHECK(error(b, corrected(b)) < 0.1 * error(b, uncorrected(b)));
  }
}
