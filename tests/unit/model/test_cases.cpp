// The cases of cases/*.toml: each one's terms against finite differences and their adjoint, and
// each new equation's truth against a property it must have (exact solution, travelling speed,
// invariants, dispersion relation, bounded chaos, stationary front, energy decay).
#include <catch2/catch.hpp>

#include <cmath>

#include "model/pde_case.hpp"
#include "pipeline/initial_condition.hpp"
#include "pipeline/truth.hpp"
#include "input/case_file.hpp"
#include "input/toml_reader.hpp"

using namespace npde;

namespace {

// A built-in case with its default parameters (0.3 where it has none) and domain length.
PdeSettings with_defaults(const std::string& name, int n, const std::string& fixed = "") {
  const auto c = find_builtin_case(name);
  REQUIRE(c);
  std::vector<double> params;
  for (const CaseParameter& p : c->parameters) params.push_back(p.default_value.value_or(0.3));
  return builtin_pde(name, n, c->length.value_or(2 * M_PI), params, fixed);
}

Vector smooth_state(int n, double amplitude) {
  Vector u(n);
  for (int j = 0; j < n; ++j) u[j] = amplitude * (1.0 + 0.5 * std::sin(2 * M_PI * j / n) + 0.2 * std::cos(6 * M_PI * j / n));
  return u;
}

IntegratorSettings tight(double rtol = 1e-12) {
  IntegratorSettings s;
  s.truth_rtol = rtol;
  s.truth_atol = rtol * 1e-2;
  return s;
}

}  // namespace

TEST_CASE("The built-in cases are the files of cases/ and read back from their canonical text", "[model][cases]") {
  const std::vector<std::string> names = builtin_case_names();
  for (const char* expected : {"advdiff", "allen-cahn", "burgers", "gkdv", "kdv", "ks"})
    CHECK(std::find(names.begin(), names.end(), expected) != names.end());
  for (const auto& c : builtin_cases()) {
    INFO(c->name);
    CHECK(c->builtin);
    const std::string text = case_toml(*c);
    const toml::table root = TomlReader::parse_text(text, "canonical");
    TomlReader top(root, "canonical", "");
    TomlReader table = top.table("case");
    PdeCase again = *read_case_table(table, /*builtin=*/true);
    CHECK(case_toml(again) == text);
  }
}

namespace {

// JVP against central differences, VJP as its transpose, and the stability bound above the
// dense Jacobian's spectrum, for the truth, model and physics terms of a case.
void check_terms(const PdeSettings& p) {
  const int n = p.resolution;
  for (const std::string stencil : {"backward2", "central4", "spectral"})
    for (TermSet set : {TermSet::Truth, TermSet::Model, TermSet::Physics}) {
      const KnownTerms terms = make_terms(p, set, stencil);
      INFO(p.name << " " << stencil << " set " << static_cast<int>(set));
      const Vector u = smooth_state(n, 0.8);
      Matrix dir(n, 2);
      dir.col(0) = smooth_state(n, 0.3).reverse();
      dir.col(1) = Vector::LinSpaced(n, -1, 1);
      Matrix jd(n, 2);
      terms.jvp(u.data(), dir, jd);
      const double eps = 1e-6;
      for (int col = 0; col < 2; ++col) {
        Vector fp(n), fm(n);
        const Vector up = u + eps * dir.col(col), um = u - eps * dir.col(col);
        terms.eval(up.data(), fp.data());
        terms.eval(um.data(), fm.data());
        const Vector fd = (fp - fm) / (2 * eps);
        CHECK((fd - jd.col(col)).norm() <= 1e-7 * std::max(1.0, fd.norm()));
      }
      const Vector v = smooth_state(n, -0.7);
      Vector vjp = Vector::Zero(n);
      terms.vjp_add(u.data(), v.data(), vjp.data());
      const double lhs = v.dot(jd.col(0)), rhs = vjp.dot(dir.col(0));
      CHECK(std::abs(lhs - rhs) <= 1e-12 * std::max(std::abs(lhs), 1.0));
      Matrix jac(n, n);
      terms.jvp(u.data(), Matrix::Identity(n, n), jac);
      Eigen::EigenSolver<Matrix> es(jac);
      CHECK(es.eigenvalues().cwiseAbs().maxCoeff() <= terms.stability_bound(u) * (1 + 1e-12) + 1e-12);
    }
}

}  // namespace

TEST_CASE("Every case's terms: JVP matches finite differences, VJP is its transpose, the bound covers the spectrum",
          "[model][cases]") {
  for (const auto& c : builtin_cases()) check_terms(with_defaults(c->name, 24));
}

TEST_CASE("A case file the code has never seen (Fisher-KPP) gives terms with a correct tangent and adjoint",
          "[model][cases]") {
  const std::string path = std::string(NPDESWEEP_SOURCE_DIR) + "/tests/cases/fisher.toml";
  const toml::table root = TomlReader::parse_file(path);
  TomlReader top(root, path, "");
  TomlReader table = top.table("case");
  PdeSettings p;
  p.pde_case = read_case_table(table);
  p.name = p.pde_case->name;
  p.resolution = 24;
  p.length = *p.pde_case->length;
  p.parameters = {0.7, 1.3};  // diffusivity, rate
  check_terms(p);
  // u_t = D u_xx + r u - r u^2, with D2 spectral on a band-limited state: exact pointwise.
  const Vector u = smooth_state(p.resolution, 0.4);
  Vector f(p.resolution);
  make_truth_terms(p, "spectral").eval(u.data(), f.data());
  const Matrix d2 = dense_matrix(make_stencil("spectral", 2, p.resolution, p.dx()), p.resolution);
  const Vector want = 0.7 * d2 * u + 1.3 * u - 1.3 * u.cwiseProduct(u);
  CHECK((f - want).cwiseAbs().maxCoeff() < 1e-12);
  CHECK(truth_formula(p, "central2") == "u_t = 0.7 * D2[central2](u) + 1.3 * u - 1.3 * u^2");
  CHECK(model_formula(p, "central4") == "u_t = 0.7 * D2[central4](u) + NN(u)");
}

TEST_CASE("Advection-diffusion: the spectral truth is the exact Fourier solution to 1e-10", "[model][cases]") {
  const PdeSettings p = with_defaults("advdiff", 32, "spectral");
  const double a = p.parameter("speed"), nu = p.parameter("viscosity"), k = 3.0, amp = 1.5;
  const Vector u0 = sample_initial_condition({IcKind::sine, amp, 1.0 / k}, p.resolution, p.length);  // A sin(3x)
  const TruthTrajectory tr = generate_truth(make_truth_terms(p, "spectral"), u0, 0.1, 10, tight(), 0);
  REQUIRE(tr.ok);
  double worst = 0;
  for (int step = 0; step <= 10; ++step) {
    const double t = 0.1 * step;
    for (int j = 0; j < p.resolution; ++j) {
      const double exact = amp * std::exp(-nu * k * k * t) * std::sin(k * (j * p.dx() - a * t));
      worst = std::max(worst, std::abs(tr.states(j, step) - exact));
    }
  }
  CHECK(worst < 1e-10);
}

TEST_CASE("KdV: the soliton travels at speed 2A, the central scheme conserves mass and energy", "[model][cases]") {
  const double amp = 1.0, T = 1.0;
  {
    const PdeSettings p = with_defaults("kdv", 256, "spectral");
    const Vector u0 = sample_initial_condition({IcKind::soliton, amp, 0.0}, p.resolution, p.length);
    const TruthTrajectory tr = generate_truth(make_truth_terms(p, "spectral"), u0, T / 10, 10, tight(), 0);
    REQUIRE(tr.ok);
    const double kk = std::sqrt(amp / 2);
    double worst = 0;
    for (int j = 0; j < p.resolution; ++j) {
      const double s = 1.0 / std::cosh(kk * (j * p.dx() - 0.5 * p.length - 2 * amp * T));
      worst = std::max(worst, std::abs(tr.states(j, 10) - amp * s * s));
    }
    CHECK(worst < 1e-8);
  }
  {
    const PdeSettings p = with_defaults("kdv", 128, "central4");
    const Vector u0 = sample_initial_condition({IcKind::soliton, amp, 0.0}, p.resolution, p.length);
    const TruthTrajectory tr = generate_truth(make_truth_terms(p, "central2"), u0, 0.2, 10, tight(), 0);
    REQUIRE(tr.ok);
    const double mass0 = u0.sum(), energy0 = u0.squaredNorm();
    const Vector u = tr.states.col(10);
    CHECK(std::abs(u.sum() - mass0) <= 1e-12 * std::abs(mass0));
    CHECK(std::abs(u.squaredNorm() - energy0) <= 1e-9 * energy0);
    // ... and the shape did change: the invariants are not conserved by standing still
    CHECK((u - u0).norm() > 0.1 * u0.norm());
  }
}

TEST_CASE("Kuramoto-Sivashinsky: growth rates follow k^2 - k^4, the dynamics stay bounded and chaotic",
          "[model][cases]") {
  auto growth = [](const PdeSettings& p, const std::string& stencil, int m) {
    // The linear terms' Jacobian at u = 0 on the Fourier mode cos(k x): its Rayleigh quotient.
    const KnownTerms terms = make_truth_terms(p, stencil);
    Matrix mode(p.resolution, 1), out(p.resolution, 1);
    for (int j = 0; j < p.resolution; ++j) mode(j, 0) = std::cos(2 * M_PI * m * j / p.resolution);
    const Vector zero = Vector::Zero(p.resolution);
    terms.jvp(zero.data(), mode, out);
    return out.col(0).dot(mode.col(0)) / mode.col(0).squaredNorm();
  };
  const PdeSettings p64 = with_defaults("ks", 64), p128 = with_defaults("ks", 128);
  for (int m = 1; m < 32; ++m) {
    const double k = 2 * M_PI * m / p64.length;
    CHECK(std::abs(growth(p64, "spectral", m) - (k * k - k * k * k * k)) <= 1e-10 * std::max(1.0, k * k * k * k));
  }
  const double k8 = 2 * M_PI * 8 / p64.length;  // k = 0.5: growth 0.1875
  const double exact = k8 * k8 - k8 * k8 * k8 * k8;
  const double e64 = std::abs(growth(p64, "central4", 8) - exact), e128 = std::abs(growth(p128, "central4", 8) - exact);
  CHECK(std::log2(e64 / e128) == Approx(4.0).margin(0.3));

  // A long run: bounded, not decaying, and two states 1e-8 apart end far apart.
  const PdeSettings p = with_defaults("ks", 128);
  const Vector u0 = sample_initial_condition({IcKind::sine, 1.0, 16.0}, p.resolution, p.length);
  Vector shifted = u0;
  shifted[5] += 1e-8;
  const KnownTerms terms = make_truth_terms(p, "central4");
  const IntegratorSettings s = tight(1e-10);
  const TruthTrajectory a = generate_truth(terms, u0, 1.0, 200, s, 0), b = generate_truth(terms, shifted, 1.0, 200, s, 0);
  REQUIRE(a.ok);
  REQUIRE(b.ok);
  double peak = 0, rms_min = 1e300;
  for (int step = 100; step <= 200; ++step) {
    peak = std::max(peak, a.states.col(step).cwiseAbs().maxCoeff());
    rms_min = std::min(rms_min, a.states.col(step).norm() / std::sqrt(p.resolution));
  }
  INFO("max|u| " << peak << ", min rms " << rms_min);
  CHECK(peak < 10.0);
  CHECK(rms_min > 0.5);
  CHECK((a.states.col(200) - b.states.col(200)).norm() > 1e-2 * a.states.col(200).norm());
}

TEST_CASE("Allen-Cahn: the tanh front is stationary and the energy decreases", "[model][cases]") {
  {
    const PdeSettings p = with_defaults("allen-cahn", 256);
    const double eps = p.parameter("epsilon");
    const Vector u0 = sample_initial_condition({IcKind::kink, 1.0, std::sqrt(2 * eps)}, p.resolution, p.length);
    const TruthTrajectory tr = generate_truth(make_truth_terms(p, "spectral"), u0, 0.5, 10, tight(1e-10), 0);
    REQUIRE(tr.ok);
    CHECK((tr.states.col(10) - u0).cwiseAbs().maxCoeff() < 1e-6);
  }
  {
    const PdeSettings p = with_defaults("allen-cahn", 64);
    const double eps = p.parameter("epsilon"), dx = p.dx();
    const Vector u0 = sample_initial_condition({IcKind::sine, 0.5, 0.5}, p.resolution, p.length);
    const TruthTrajectory tr = generate_truth(make_truth_terms(p, "central4"), u0, 0.1, 50, tight(1e-10), 0);
    REQUIRE(tr.ok);
    const Matrix d2 = dense_matrix(make_stencil("central4", 2, p.resolution, dx), p.resolution);
    auto energy = [&](const Vector& u) {
      return -0.5 * eps * u.dot(d2 * u) * dx + 0.25 * (1.0 - u.array().square()).square().sum() * dx;
    };
    double previous = energy(u0);
    for (int step = 1; step <= 50; ++step) {
      const double e = energy(tr.states.col(step));
      CHECK(e <= previous + 1e-12);
      previous = e;
    }
    CHECK(previous < 0.5 * energy(u0));
  }
}
