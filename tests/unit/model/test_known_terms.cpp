// The hand-written right-hand-side terms of both cases: JVP against finite differences, VJP
// as its exact transpose, and the stability bound against the dense Jacobian's spectrum.
#include <catch2/catch.hpp>

#include "model/pde_case.hpp"
#include "spec/case_file.hpp"

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

TEST_CASE("Known terms: JVP matches finite differences, VJP is its transpose", "[model][terms]") {
  for (const std::string name : {"burgers", "gkdv"})
    for (const std::string stencil : {"backward2", "central4", "spectral"}) {
      const PdeSettings p = small_case(name);
      for (const KnownTerms& terms : {make_truth_terms(p, stencil), make_model_known_terms(p, stencil)}) {
        INFO(name << " " << stencil);
        const int n = p.resolution;
        const Vector u = smooth_state(n, 1.5);
        Matrix dir(n, 2);
        dir.col(0) = smooth_state(n, 0.3).reverse();
        dir.col(1) = Vector::LinSpaced(n, -1, 1);
        Matrix jd(n, 2);
        terms.jvp(u.data(), dir, jd);
        const double eps = 1e-6;
        for (int c = 0; c < 2; ++c) {
          Vector fp(n), fm(n);
          const Vector up = u + eps * dir.col(c), um = u - eps * dir.col(c);
          terms.eval(up.data(), fp.data());
          terms.eval(um.data(), fm.data());
          const Vector fd = (fp - fm) / (2 * eps);
          CHECK((fd - jd.col(c)).norm() <= 1e-7 * std::max(1.0, fd.norm()));
        }
        const Vector v = smooth_state(n, -0.7);
        Vector vjp = Vector::Zero(n);
        terms.vjp_add(u.data(), v.data(), vjp.data());
        const double lhs = v.dot(jd.col(0)), rhs = vjp.dot(dir.col(0));
        CHECK(std::abs(lhs - rhs) <= 1e-12 * std::max(std::abs(lhs), 1.0));
      }
    }
}

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
