// What a network learned, as coefficients (pipeline/closure_fit.hpp), on "networks" whose answer
// is known: the discrete term itself, and the physics term.
#include <catch2/catch.hpp>

#include <cmath>

#include "pipeline/closure_fit.hpp"
#include "spec/case_file.hpp"

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

}  // namespace

TEST_CASE("A network that is exactly the discrete term fits it with coefficient 1 and the Taylor value", "[closure]") {
  for (const char* stencil : {"central2", "central6"}) {
    INFO(stencil);
    const Setup s(stencil);
    const LearnedBasis b = learned_basis(s.pde, "central2", s.states);
    REQUIRE(b.names.size() == 1);  // Burgers learns its diffusion only
    const Matrix network = b.discrete[0];
    const TermFit a = least_squares_fit(network, {b.discrete[0]}, {"discrete"});
    CHECK(a.coefficients[0] == Approx(1.0).epsilon(1e-12));
    CHECK(a.residual_share < 1e-24);
    const TermFit p = least_squares_fit(network, {b.physics[0], b.truncation[0]}, {"physics", "truncation"});
    const double taylor = truncation_terms(stencil, 2, 1)[0].coefficient;
    CHECK(b.taylor[0] == taylor);
    CHECK(b.taylor_order[0] == 2 + (stencil[7] - '0'));
    CHECK(p.coefficients[0] == Approx(1.0).epsilon(1e-3));
    CHECK(p.coefficients[1] == Approx(taylor).epsilon(0.02));
    CHECK(p.residual_share < 1e-8);
  }
}

TEST_CASE("A network that is exactly the physics term has no truncation coefficient", "[closure]") {
  const Setup s("central2");
  const LearnedBasis b = learned_basis(s.pde, "central2", s.states);
  const TermFit p = least_squares_fit(b.physics[0], {b.physics[0], b.truncation[0]}, {"physics", "truncation"});
  CHECK(p.coefficients[0] == Approx(1.0).epsilon(1e-12));
  CHECK(std::abs(p.coefficients[1]) < 1e-9);
  // and its distance from the discrete term is the truncation error: coefficient below 1
  const TermFit a = least_squares_fit(b.physics[0], {b.discrete[0]}, {"discrete"});
  CHECK(a.coefficients[0] > 1.0);  // central2 damps u'' by (1 - dx^2 k^2 / 12): the fit makes up for it
  CHECK(a.residual_share > 0);
  CHECK(a.standard_errors[0] > 0);
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
