// The paper cases' right-hand-side terms: the stability bound against the dense Jacobian's
// spectrum at a state of amplitude 2 with the one-sided backward1 stencil.
#include <catch2/catch.hpp>

#include "model/pde_case.hpp"
#include "input/case_file.hpp"

using namespace npde;

namespace {

PdeSettings small_case(const std::string& name) {
  return builtin_pde(name, 24, name == "burgers" ? 2 * M_PI : 5 * M_PI, {name == "burgers" ? 0.03 : 0.5});
}

Vector smooth_state(int n, double amplitude) {
  Vector u(n);
  for (int j = 0; j < n; ++j) u[j] = amplitude * (1.0 + 0.5 * std::sin(2 * M_PI * j / n) + 0.2 * std::cos(6 * M_PI * j / n));
  return u;
}

}  // namespace

// JVP against finite differences and VJP as its transpose, for every case's truth, model and
// physics terms: tests/unit/model/test_cases.cpp.

TEST_CASE("The stability bound covers the Jacobian's spectrum", "[model][terms]") {
  for (const std::string name : {"burgers", "gkdv"}) {
    const PdeSettings p = small_case(name);
    const KnownTerms terms = make_truth_terms(p, "backward1");
    const int n = p.resolution;
    const Vector u = smooth_state(n, 2.0);
    Matrix jac(n, n);
    terms.jvp(u.data(), Matrix::Identity(n, n), jac);
    Eigen::EigenSolver<Matrix> es(jac);
    INFO(name);
    CHECK(es.eigenvalues().cwiseAbs().maxCoeff() <= terms.stability_bound(u) * (1 + 1e-12));
  }
}
