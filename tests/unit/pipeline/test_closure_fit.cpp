// What a network learned, as coefficients (pipeline/closure_fit.hpp), on "networks" whose answer
// is known: the discrete term itself, and the physics term.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "pipeline/closure_fit.hpp"
#include "input/case_file.hpp"

using namespace npde;

namespace {

// Burgers on 64 points of [0, 2 pi), the learned diffusion nu D2 with the fixed stencil given;
// states mixing two modes in varying proportions (one mode alone would make u'' and u'''''''' collinear).
struct Setup {
  PdeSettings pde;
  Matrix states;
  explicit Setup(const std::string& fixed) : pde(builtin_pde("burgers", 64, 2 * M_PI, {0.03}, fixed)), states(64, 6) {
    for (long s = 0; s < states.cols(); ++s)
      for (long j = 0; j < 64; ++j) {
        const double x = j * pde.dx();
        states(j, s) = std::sin(x + 0.3 * s) + (0.2 + 0.1 * s) * std::cos(2 * x);
      }
  }
};

// The discrete closure the network is trained towards: truth rhs minus the model's known terms.
Matrix discrete_closure(const PdeSettings& pde, const std::string& train, const std::string& infer, const Matrix& states) {
  const KnownTerms truth = make_truth_terms(pde, train), known = make_model_known_terms(pde, infer);
  Matrix out(states.rows(), states.cols());
  Vector a(states.rows()), b(states.rows());
  for (long c = 0; c < states.cols(); ++c) {
    const Vector u = states.col(c);
    truth.eval(u.data(), a.data());
    known.eval(u.data(), b.data());
    out.col(c) = a - b;
  }
  return out;
}

}  // namespace

TEST_CASE("A network that is exactly the discrete term fits it with coefficient 1 and the Taylor value", "[closure]") {
  for (const char* stencil : {"central2", "central6"}) {
    INFO(stencil);
    const Setup s(stencil);
    const Matrix network = discrete_closure(s.pde, "central2", "central2", s.states);  // = nu D2[fixed] u
    const ClosureFit f = fit_closure(s.pde, "central2", "central2", s.states, network);
    REQUIRE(f.coefficient.rows() == 2);  // advection, diffusion
    // advection: the model computes it as the data do, so it has no candidate
    CHECK(std::isnan(f.coefficient(0, kFitDiscrete)));
    CHECK(std::isnan(f.taylor[0]));
    CHECK(f.coefficient(1, kFitDiscrete) == Approx(1.0).epsilon(1e-12));
    CHECK(f.residual_share[0] < 1e-24);
    const double taylor = truncation_terms(stencil, 2, 1)[0].coefficient;
    CHECK(f.taylor[1] == taylor);
    CHECK(f.coefficient(1, kFitPhysics) == Approx(1.0).epsilon(1e-3));
    CHECK(f.coefficient(1, kFitTruncation) == Approx(taylor).epsilon(0.02));
    CHECK(f.truncation_share[1] == Approx(1.0).epsilon(0.02));
    CHECK(f.residual_share[1] < 1e-8);
    CHECK(f.standard_error(1, kFitDiscrete) < 1e-10);
  }
}

TEST_CASE("A network that is exactly the physics term has no truncation coefficient", "[closure]") {
  const Setup s("central2");
  const std::vector<CandidateTerm> c = closure_candidates(s.pde, "central2", "central2", s.states);
  REQUIRE(c.size() == 2);
  CHECK(c[1].learned);
  CHECK(c[1].taylor_order == 4);
  const ClosureFit f = fit_closure(s.pde, "central2", "central2", s.states, c[1].physics);
  CHECK(f.coefficient(1, kFitPhysics) == Approx(1.0).epsilon(1e-12));
  CHECK(std::abs(f.coefficient(1, kFitTruncation)) < 1e-9);
  CHECK(std::abs(f.truncation_share[1]) < 1e-6);
  // and its distance from the discrete term is the truncation error: coefficient above 1
  CHECK(f.coefficient(1, kFitDiscrete) > 1.0);  // central2 damps u'' by (1 - dx^2 k^2 / 12): the fit makes up for it
  CHECK(f.residual_share[0] > 0);
  CHECK(f.standard_error(1, kFitDiscrete) > 0);
}

TEST_CASE("Mismatched stencils: the network's closure decomposes onto the learned term and the stencils' difference",
          "[closure]") {
  // Burgers trained on backward1 advection, inferred with central2: the closure is the diffusion
  // plus -u (D1[backward1] - D1[central2]) u, whose leading Taylor term is -u (-dx/2) u_xx.
  const Setup s("central2");
  const Matrix network = discrete_closure(s.pde, "backward1", "central2", s.states);
  const ClosureFit f = fit_closure(s.pde, "backward1", "central2", s.states, network);
  CHECK(f.coefficient(0, kFitDiscrete) == Approx(1.0).epsilon(1e-12));
  CHECK(f.coefficient(1, kFitDiscrete) == Approx(1.0).epsilon(1e-12));
  CHECK(f.residual_share[0] < 1e-24);
  CHECK(f.taylor[0] == Approx(-0.5).epsilon(1e-12));
  CHECK(std::isnan(f.coefficient(0, kFitPhysics)));  // a known term has no physics candidate
  CHECK(f.truncation_share[0] == Approx(1.0).epsilon(0.05));
  CHECK(f.coefficient(1, kFitPhysics) == Approx(1.0).epsilon(0.05));
  CHECK(f.residual_share[1] < 1e-2);
  // a network that learned only the diffusion has no share of the mismatch
  const ClosureFit g = fit_closure(s.pde, "backward1", "central2", s.states, closure_candidates(s.pde, "backward1", "central2", s.states)[1].physics);
  CHECK(std::abs(g.truncation_share[0]) < 1e-9);
}

TEST_CASE("A term whose coefficient is zero has no coefficient, the others are still fitted", "[closure]") {
  // gKdV without rotation (w0 = 0): the rotation's candidates are all zero.
  const PdeSettings pde = builtin_pde("gkdv", 64, 2 * M_PI, {0.0}, "central2");
  const Setup s("central2");
  const Matrix network = discrete_closure(pde, "central2", "central2", s.states);
  const ClosureFit f = fit_closure(pde, "central2", "central2", s.states, network);
  REQUIRE(f.coefficient.rows() == 3);  // rotation, advection, dispersion
  CHECK(std::isnan(f.coefficient(0, kFitDiscrete)));
  CHECK(f.coefficient(1, kFitDiscrete) == Approx(1.0).epsilon(1e-12));
  CHECK(std::isnan(f.coefficient(2, kFitDiscrete)));  // dispersion: known, same stencil
  CHECK(closure_fit_terms(pde) == "rotation advection dispersion");
}

TEST_CASE("spectral_derivative is exact on trigonometric polynomials", "[closure]") {
  const int n = 32;
  const double length = 3.0;
  Vector u(n), d5(n);
  const double k = 2 * M_PI * 3 / length;
  for (int j = 0; j < n; ++j) {
    const double x = j * length / n;
    u[j] = std::sin(k * x);
    d5[j] = std::pow(k, 5) * std::cos(k * x);
  }
  CHECK((spectral_derivative(u, 5, length) - d5).cwiseAbs().maxCoeff() < 1e-9 * std::pow(k, 5));
}

TEST_CASE("Degenerate data give a fit that is not determined, with its reason, never a crash", "[closure]") {
  const Matrix y = Matrix::Random(16, 3), zero = Matrix::Zero(16, 3);
  SECTION("every column zero (a uniform field has no derivatives)") {
    const TermFit f = least_squares_fit(y, {zero, zero});
    CHECK(f.undetermined.find("every candidate term is zero") != std::string::npos);
    CHECK(f.coefficients.size() == 2);
    CHECK(std::isnan(f.coefficients[0]));
    CHECK(std::isnan(f.residual_share));
  }
  SECTION("no columns at all") { CHECK(least_squares_fit(y, {}).undetermined == "no candidate terms"); }
  SECTION("dependent columns") {
    const Matrix c = Matrix::Random(16, 3);
    const TermFit f = least_squares_fit(y, {c, 2 * c});
    CHECK(f.undetermined.find("linearly dependent") != std::string::npos);
    CHECK(std::isnan(f.coefficients[1]));
  }
  SECTION("non-finite values or columns") {
    Matrix bad = y;
    bad(3, 1) = std::numeric_limits<double>::quiet_NaN();
    CHECK(least_squares_fit(bad, {y}).undetermined.find("not all finite") != std::string::npos);
    CHECK(least_squares_fit(y, {bad}).undetermined.find("not finite") != std::string::npos);
    CHECK(least_squares_fit(y, {Matrix::Constant(16, 3, 1e300)}).undetermined.find("overflows") != std::string::npos);
  }
  SECTION("more columns than values") {
    const Matrix one = Matrix::Random(1, 1), other = Matrix::Random(1, 1);
    CHECK(least_squares_fit(one, {one, other}).undetermined.find("fewer values") != std::string::npos);
  }
  SECTION("a determined fit says nothing") {
    const TermFit f = least_squares_fit(3 * y, {y});
    CHECK(f.undetermined.empty());
    CHECK(f.coefficients[0] == Approx(3.0));
  }
  SECTION("the whole closure fit on a uniform field") {
    const Setup s("central2");
    const Matrix states = Matrix::Constant(64, 4, 1.0);
    const ClosureFit f = fit_closure(s.pde, "backward1", "central2", states, Matrix::Random(64, 4));
    CHECK(!f.undetermined[1].empty());
    CHECK(std::isnan(f.residual_share[1]));
  }
}
