// Spectra with their conditioning (numerics/spectrum.hpp) against matrices whose answers are
// known in closed form: a normal matrix (kappa = 1, pseudospectra are disks of radius eps), a
// 2x2 upper-triangular non-normal matrix (kappa, singular values and pseudospectral radius by
// hand), Jordan blocks (pseudospectra are disks, condition numbers unbounded), the search
// against a dense polar grid of exact sigma_min on non-normal matrices without symmetry, and the
// global maximum where it lies off every eigenvalue ray (a 2x2 block, closed-form sigma_min).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>

#include "numerics/spectrum.hpp"

using namespace npde;
using cplx = std::complex<double>;

namespace {

Eigen::MatrixXd random_matrix(int n, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd a(n, n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) a(i, j) = normal(gen);
  return a;
}

Eigen::MatrixXd jordan(int n, double lambda) {
  Eigen::MatrixXd a = lambda * Eigen::MatrixXd::Identity(n, n);
  for (int i = 0; i + 1 < n; ++i) a(i, i + 1) = 1.0;
  return a;
}

// The largest |z| with sigma_min(z I - a) <= eps over polar grids about each eigenvalue (every
// component of a pseudospectrum holds one): `rays` directions, radii up to 10 kappa eps + 2 eps
// (past the first-order size of the component) in `steps` steps; exact SVDs, small matrices only.
double grid_radius(const Eigen::MatrixXd& a, const Spectrum& s, double eps, int rays, int steps) {
  double best = 0;
  for (long i = 0; i < s.eigenvalues.size(); ++i) {
    const double reach = std::min(s.norm + eps, 10 * s.condition[i] * eps + 2 * eps);
    for (int k = 0; k < rays; ++k)
      for (int j = 1; j <= steps; ++j) {
        const cplx z = s.eigenvalues[i] + std::polar(reach * j / steps, 2 * M_PI * k / rays);
        if (std::abs(z) > best && sigma_min_shifted(a, z) <= eps) best = std::abs(z);
      }
  }
  return best;
}

}  // namespace

TEST_CASE("spectrum: the eigenvalues are bitwise those of sorted_eigenvalues", "[spectrum]") {
  for (unsigned seed : {1u, 2u, 3u}) {
    const Eigen::MatrixXd a = random_matrix(37, seed);
    const Spectrum s = analyse_spectrum(a);
    const Eigen::VectorXcd plain = sorted_eigenvalues(a);
    REQUIRE(s.eigenvalues.size() == plain.size());
    CHECK(std::memcmp(s.eigenvalues.data(), plain.data(), sizeof(cplx) * plain.size()) == 0);
  }
}

TEST_CASE("spectrum: a normal matrix has kappa 1 and disks of radius eps as pseudospectra", "[spectrum]") {
  // Q diag(...) Q^T with rotation blocks: normal, eigenvalues 0.9 e^{+-0.3i}, -0.5, 0.2, 1.1.
  Eigen::MatrixXd d = Eigen::MatrixXd::Zero(5, 5);
  d.block(0, 0, 2, 2) << 0.9 * std::cos(0.3), -0.9 * std::sin(0.3), 0.9 * std::sin(0.3), 0.9 * std::cos(0.3);
  d(2, 2) = -0.5;
  d(3, 3) = 0.2;
  d(4, 4) = 1.1;
  const Eigen::MatrixXd q = Eigen::HouseholderQR<Eigen::MatrixXd>(random_matrix(5, 7)).householderQ();
  const Eigen::MatrixXd a = q * d * q.transpose();
  const Spectrum s = analyse_spectrum(a);
  CHECK(std::abs(s.eigenvalues[0] - 1.1) < 1e-14);
  for (long i = 0; i < 5; ++i) CHECK(s.condition[i] == Approx(1.0).margin(1e-12));
  CHECK(s.rounding_set == 0);
  CHECK(s.norm == Approx(1.1).epsilon(1e-14));
  CHECK(s.sigma_min == Approx(0.2).epsilon(1e-13));
  CHECK(s.log_abs_det == Approx(std::log(0.81 * 0.5 * 0.2 * 1.1)).epsilon(1e-13));
  for (size_t e = 0; e < kPseudospectralEpsilons.size(); ++e) {
    INFO("eps = " << kPseudospectralEpsilons[e] << " ||J||");
    CHECK(s.pseudospectral_radius[e] == Approx(1.1 + kPseudospectralEpsilons[e] * 1.1).epsilon(1e-8));
  }
}

TEST_CASE("spectrum: a 2x2 non-normal matrix matches its closed forms", "[spectrum]") {
  const double a = 0.9, c = 0.4;
  for (double b : {0.0, 1.0, 30.0, 1e4}) {
    INFO("off-diagonal b = " << b);
    Eigen::MatrixXd m(2, 2);
    m << a, b, 0, c;
    const Spectrum s = analyse_spectrum(m);
    // kappa of either eigenvalue: right (1, 0) / left (1, b/(a-c)) for a, and its twin for c.
    const double kappa = std::sqrt(1 + b * b / ((a - c) * (a - c)));
    CHECK(s.eigenvalues[0].real() == Approx(a));
    CHECK(s.condition[0] == Approx(kappa).epsilon(1e-10));
    CHECK(s.condition[1] == Approx(kappa).epsilon(1e-10));
    // Singular values: sigma^2 are the eigenvalues of m^T m (trace a^2 + b^2 + c^2, det (ac)^2).
    const double t = a * a + b * b + c * c, det = a * c;
    const double root = std::sqrt(t * t - 4 * det * det);
    const double smax = std::sqrt((t + root) / 2);
    CHECK(s.norm == Approx(smax).epsilon(1e-12));
    CHECK(s.sigma_min == Approx(det / smax).epsilon(1e-10));  // sigma_min sigma_max = |det|
    CHECK(s.log_abs_det == Approx(std::log(a * c)).epsilon(1e-12));
    // The pseudospectral radius is a point inside (sigma_min <= eps), the next point of the
    // search's resolution (relative 1e-9) is outside, and no point of a fine grid beyond it is in.
    for (size_t e = 0; e < kPseudospectralEpsilons.size(); ++e) {
      const double eps = kPseudospectralEpsilons[e] * s.norm, rho = s.pseudospectral_radius[e];
      CHECK(sigma_min_shifted(m, rho) <= eps * (1 + 1e-12));
      CHECK(sigma_min_shifted(m, rho * (1 + 2e-9)) > eps);
      CHECK(grid_radius(m, s, eps, 180, 200) <= rho * (1 + 1e-6));
    }
  }
}

TEST_CASE("spectrum: Jordan blocks have disk pseudospectra of radius sqrt(eps^2 + eps) (n = 2), ~eps^(1/n)",
          "[spectrum]") {
  // J_2(lambda): sigma_min(z I - J) = eps on |z - lambda| = r with (r^2 - eps^2)^2 = eps^2, a disk.
  for (double lambda : {0.0, 0.7, -1.3}) {
    INFO("lambda = " << lambda);
    const Eigen::MatrixXd m = jordan(2, lambda);
    const Spectrum s = analyse_spectrum(m);
    for (size_t e = 0; e < kPseudospectralEpsilons.size(); ++e) {
      const double eps = kPseudospectralEpsilons[e] * s.norm;
      CHECK(s.pseudospectral_radius[e] == Approx(std::abs(lambda) + std::sqrt(eps * eps + eps)).epsilon(1e-7));
    }
  }
  // J_8(0.5): defective, so the computed condition numbers are set by rounding (unbounded in
  // exact arithmetic), every eigenvalue counts as rounding-set, and log|det| = 8 log 0.5 is
  // still determined (sigma_min is not small).
  const Eigen::MatrixXd m = jordan(8, 0.5);
  const Spectrum s = analyse_spectrum(m);
  for (long i = 0; i < 8; ++i) CHECK(s.condition[i] > 1e10);
  CHECK(s.rounding_set == 8);
  // Pseudospectra of a Jordan block are disks about lambda (diag(e^{ik theta}) rotates them).
  for (size_t e = 0; e < kPseudospectralEpsilons.size(); ++e) {
    const double eps = kPseudospectralEpsilons[e] * s.norm, rho = s.pseudospectral_radius[e];
    const double r = rho - 0.5;
    INFO("eps = " << eps << ", radius about lambda " << r << ", eps^(1/8) " << std::pow(eps, 1.0 / 8));
    CHECK(r > 0.5 * std::pow(eps, 1.0 / 8));
    CHECK(r < 1.5 * std::pow(eps, 1.0 / 8));
    for (double angle : {0.0, 1.0, 2.0, 3.0}) {  // on the circle |z - 0.5| = r: sigma_min = eps
      CHECK(sigma_min_shifted(m, 0.5 + std::polar(r, angle)) == Approx(eps).epsilon(1e-4));
    }
  }
}

TEST_CASE("spectrum: log|det| is NaN where rounding determines it", "[spectrum]") {
  Eigen::MatrixXd m = Eigen::MatrixXd::Identity(4, 4);
  m(3, 3) = 1e-20;
  CHECK(std::isnan(analyse_spectrum(m).log_abs_det));
  m(3, 3) = 1e-9;  // n^2 u ||J|| / sigma_min = 1.8e-6: above 1e-6, not determined
  CHECK(std::isnan(analyse_spectrum(m).log_abs_det));
  m(3, 3) = 1e-8;  // 1.8e-7: determined
  CHECK(analyse_spectrum(m).log_abs_det == Approx(std::log(1e-8)).epsilon(1e-14));
  m(3, 3) = 1e-3;
  CHECK(analyse_spectrum(m).log_abs_det == Approx(std::log(1e-3)).epsilon(1e-14));
}

TEST_CASE("spectrum: the radial search against a dense grid on non-normal matrices", "[spectrum]") {
  // Random upper-triangular-heavy matrices (non-normal, no symmetry but the real axis) and the
  // Grcar matrix, whose pseudospectra are far from disks. Every point the search accepts is
  // inside (its sigma_min estimate bounds the exact one from above), so its radius is a lower
  // bound, here within 0.1% of the grid's largest inside point; the global search's is at least
  // that point, and the circle just beyond it is outside.
  std::vector<Eigen::MatrixXd> cases;
  for (unsigned seed : {11u, 12u}) {
    Eigen::MatrixXd a = random_matrix(12, seed);
    a.triangularView<Eigen::StrictlyLower>() *= 0.05;
    a.triangularView<Eigen::StrictlyUpper>() *= 2.0;
    cases.push_back(a / 4);
  }
  Eigen::MatrixXd grcar = Eigen::MatrixXd::Zero(12, 12);
  for (int i = 0; i < 12; ++i)
    for (int j = i - 1; j <= i + 3; ++j)
      if (j >= 0 && j < 12) grcar(i, j) = (j == i - 1) ? -1.0 : 1.0;
  cases.push_back(grcar);
  for (size_t c = 0; c < cases.size(); ++c) {
    const Spectrum s = analyse_spectrum(cases[c]);
    for (size_t e = 0; e < kPseudospectralEpsilons.size(); ++e) {
      const double eps = kPseudospectralEpsilons[e] * s.norm, rho = s.pseudospectral_radius[e];
      const double grid = grid_radius(cases[c], s, eps, 90, 60);
      INFO("matrix " << c << ", eps " << eps << ": search " << rho << ", grid " << grid << ", max|lambda| "
                     << std::abs(s.eigenvalues[0]));
      CHECK(rho >= std::abs(s.eigenvalues[0]) + eps * (1 - 1e-9));
      CHECK(rho >= grid * (1 - 1e-3));
      // The global search: at least the grid's best, and nothing beyond it (3600 points on the
      // circle a relative 1e-7 outside are outside).
      const double global = pseudospectral_radius(cases[c], eps, s.eigenvalues, s.condition);
      CHECK(global >= rho);
      CHECK(global >= grid * (1 - 1e-9));
      int inside = 0;
      for (int k = 0; k < 3600; ++k)
        inside += sigma_min_shifted(cases[c], std::polar(global * (1 + 1e-7), M_PI * k / 3599)) <= eps;
      CHECK(inside == 0);
    }
  }
}

// sigma_min(z I - a) of a real 2x2 matrix in closed form: with B = z I - a,
// sigma_min^2 = (||B||_F^2 - sqrt(||B||_F^4 - 4 |det B|^2)) / 2, written as 2 |det B|^2 / (F + sqrt(...))
// so that it keeps its digits where sigma_min is small.
double sigma_min_2x2(const Eigen::Matrix2d& a, cplx z) {
  const cplx b00 = z - a(0, 0), b01 = -a(0, 1), b10 = -a(1, 0), b11 = z - a(1, 1);
  const double f = std::norm(b00) + std::norm(b01) + std::norm(b10) + std::norm(b11);
  const double d = std::norm(b00 * b11 - b01 * b10);
  return std::sqrt(2 * d / (f + std::sqrt(std::max(f * f - 4 * d, 0.0))));
}

// The outermost |z| on the ray at angle theta with sigma_min <= eps: a scan inwards from `outer`
// in 1000 steps to the first inside point, then bisection to the last bit.
double outermost_on_ray(const Eigen::Matrix2d& a, double theta, double eps, double outer) {
  auto inside = [&](double r) { return sigma_min_2x2(a, std::polar(r, theta)) <= eps; };
  for (int j = 1000; j >= 0; --j) {
    double in = outer * j / 1000, out = outer * (j + 1) / 1000;
    if (!inside(in)) continue;
    for (int it = 0; it < 80; ++it) ((inside(0.5 * (in + out))) ? in : out) = 0.5 * (in + out);
    return in;
  }
  return 0;
}

TEST_CASE("spectrum: the global pseudospectral radius where the maximum is off every eigenvalue ray",
          "[spectrum]") {
  // A strongly non-normal 2x2 block with eigenvalues 0.5 +- 0.1i (rays at +-0.197 rad): its
  // pseudospectra stretch along the real axis, so the point of largest modulus lies between the
  // rays, where no radial search looks. The reference is independent of the code under test: the
  // closed-form sigma_min on a grid of 4000 rays over [0, pi], refined by golden section.
  Eigen::Matrix2d a;
  a << 0.5, 1.0, -0.01, 0.5;
  const Spectrum s = analyse_spectrum(a);
  for (double relative : {1e-2, 1e-1}) {
    const double eps = relative * s.norm, outer = s.norm + eps;
    double best = 0, at = 0;
    for (int k = 0; k <= 4000; ++k) {
      const double theta = M_PI * k / 4000, r = outermost_on_ray(a, theta, eps, outer);
      if (r > best) best = r, at = theta;
    }
    double lo = std::max(at - M_PI / 4000, 0.0), hi = std::min(at + M_PI / 4000, M_PI);
    for (int it = 0; it < 60; ++it) {
      const double m1 = lo + 0.382 * (hi - lo), m2 = lo + 0.618 * (hi - lo);
      (outermost_on_ray(a, m1, eps, outer) < outermost_on_ray(a, m2, eps, outer) ? lo : hi) = (lo + hi) / 2;
    }
    at = 0.5 * (lo + hi);
    const double exact = std::max(best, outermost_on_ray(a, at, eps, outer));
    const double rays = pseudospectral_radius(a, eps, s.eigenvalues, s.condition, PseudospectralSearch::rays);
    const double global = pseudospectral_radius(a, eps, s.eigenvalues, s.condition);
    INFO("eps " << relative << " ||J||: rays " << rays << ", global " << global << ", exact " << exact << " at "
                << at << " rad");
    CHECK(std::abs(at - std::arg(s.eigenvalues[0])) > 0.02);  // the maximum is off the eigenvalue rays
    CHECK(rays < exact * (1 - 1e-3));                        // ... where the radial searches miss it
    CHECK(global == Approx(exact).epsilon(1e-8));
  }
  // analyse_spectrum stores the radial radii by default and the global ones when asked (what a
  // job's analysis.pseudospectra chooses), equal to pseudospectral_radius's at the stored epsilons.
  const Spectrum g = analyse_spectrum(a, 1, PseudospectralSearch::global);
  for (size_t e = 0; e < kPseudospectralEpsilons.size(); ++e) {
    const double eps = kPseudospectralEpsilons[e] * s.norm;
    CHECK(s.pseudospectral_radius[e] ==
          pseudospectral_radius(a, eps, s.eigenvalues, s.condition, PseudospectralSearch::rays));
    CHECK(g.pseudospectral_radius[e] == pseudospectral_radius(a, eps, s.eigenvalues, s.condition));
    CHECK(g.pseudospectral_radius[e] >= s.pseudospectral_radius[e]);
  }
  CHECK(g.pseudospectral_radius[1] > s.pseudospectral_radius[1] * (1 + 1e-6));  // off-ray at 1e-3 too
}

TEST_CASE("spectrum: transient growth of normal matrices is max(rho, rho^K)", "[spectrum]") {
  // Q diag(d) Q^T with Q orthogonal: ||J^k||_2 = rho^k exactly.
  const Eigen::MatrixXd q = Eigen::HouseholderQR<Eigen::MatrixXd>(random_matrix(12, 7)).householderQ();
  for (double rho : {0.8, 1.0, 1.05}) {
    Eigen::VectorXd d = Eigen::VectorXd::LinSpaced(12, -0.5, 0.7);
    d[3] = rho;
    const Eigen::MatrixXd a = q * d.asDiagonal() * q.transpose();
    const Spectrum s = analyse_spectrum(a, 20);
    const double expected = rho > 1 ? std::pow(rho, 20) : rho;
    CHECK(s.transient_growth == Approx(expected).epsilon(1e-12));
    if (rho != 1.0) CHECK(s.transient_growth_step == (rho > 1 ? 20 : 1));  // rho = 1: every k gives 1 to rounding
    CHECK(s.transient_growth_error < 1e-12);
  }
}

TEST_CASE("spectrum: transient growth of a 2x2 non-normal matrix matches its closed form", "[spectrum]") {
  // J = [[a, b], [0, a]]: J^k = [[a^k, k a^(k-1) b], [0, a^k]], whose largest singular value is
  // (sqrt(q^2 + 4 p^2) + |q|) / 2 with p = a^k, q = k a^(k-1) b. |lambda| < 1, yet the powers
  // grow to 11.6 (at k = 9) before they decay: eigenvalues do not see it.
  const double a = 0.9, b = 3.0;
  Eigen::Matrix2d j;
  j << a, b, 0, a;
  double best = 0;
  int at = 0;
  for (int k = 1; k <= 40; ++k) {
    const double p = std::pow(a, k), q = k * std::pow(a, k - 1) * b;
    const double sigma = (std::sqrt(q * q + 4 * p * p) + std::abs(q)) / 2;
    if (sigma > best) best = sigma, at = k;
  }
  const Spectrum s = analyse_spectrum(j, 40);
  CHECK(std::abs(s.eigenvalues[0]) < 1);
  CHECK(best > 11);
  CHECK(s.transient_growth == Approx(best).epsilon(1e-13));
  CHECK(s.transient_growth_step == at);
  // horizon 1: the norm itself, bitwise
  const Spectrum one = analyse_spectrum(j, 1);
  CHECK(one.transient_growth == one.norm);
  CHECK(one.transient_growth_step == 1);
}

TEST_CASE("spectrum: transient growth of a nilpotent Jordan block stops at its index", "[spectrum]") {
  // N^k (shift by k) has norm 1 for k < n and is 0 from k = n: the growth is 1, at k = 1.
  const Spectrum s = analyse_spectrum(jordan(6, 0.0), 10);
  CHECK(s.transient_growth == Approx(1.0).epsilon(1e-14));
  CHECK(s.transient_growth_step == 1);
  // 2 N: ||(2N)^k|| = 2^k up to k = 5, so the growth is 32 at k = 5.
  int step = 0;
  CHECK(transient_growth(2 * jordan(6, 0.0), 10, 2.0, &step) == Approx(32.0).epsilon(1e-14));
  CHECK(step == 5);
}

TEST_CASE("spectrum: transient growth is inf once a power overflows", "[spectrum]") {
  const Eigen::MatrixXd a = 1e120 * Eigen::MatrixXd::Identity(3, 3);
  const Spectrum s = analyse_spectrum(a, 4);
  CHECK(std::isinf(s.transient_growth));
  CHECK(s.transient_growth_step == 3);
  CHECK(std::isnan(s.transient_growth_error));
}

// A map that is not finite at a state (it overflowed) has unbounded growth: inf, never the NaN a
// reader takes for "not analysed" and skips when it takes the largest over states.
TEST_CASE("spectrum: a non-finite map has inf radius measures, not NaN", "[spectrum]") {
  Eigen::MatrixXd a = Eigen::MatrixXd::Identity(3, 3);
  a(1, 2) = std::numeric_limits<double>::infinity();
  a(0, 1) = std::nan("");
  const Spectrum s = analyse_spectrum(a, 4);
  CHECK(s.overflowed);
  CHECK(std::isinf(s.norm));
  CHECK(std::isinf(s.transient_growth));
  for (double r : s.pseudospectral_radius) CHECK(std::isinf(r));
  CHECK(std::isnan(s.eigenvalues[0].real()));  // no eigenvalue is claimed
  CHECK_FALSE(analyse_spectrum(Eigen::MatrixXd::Identity(3, 3), 4).overflowed);
}

// One real Schur factorisation serves the eigenvalues, the condition numbers and the
// pseudospectral searches (issue "Honest numbers": the analysis was 4x the training's cost). The
// eigenvalues must stay bitwise Eigen's EigenSolver's (stored results keep their bits), and the
// condition numbers agree with the eigenvector formula kappa_i = ||V e_i|| ||e_i^T V^-1|| where
// V is well conditioned.
TEST_CASE("spectrum: eigenvalues bitwise EigenSolver's, kappa from the real Schur form", "[spectrum]") {
  for (unsigned seed = 1; seed <= 12; ++seed) {
    const int n = 5 + static_cast<int>(seed) * 7;
    const Eigen::MatrixXd a = random_matrix(n, seed);
    Eigen::EigenSolver<Eigen::MatrixXd> solver(a, true);
    REQUIRE(solver.info() == Eigen::Success);
    Eigen::VectorXcd theirs = solver.eigenvalues();
    std::vector<cplx> sorted(theirs.data(), theirs.data() + n);
    std::stable_sort(sorted.begin(), sorted.end(), [](const cplx& x, const cplx& y) {
      return std::abs(x) != std::abs(y) ? std::abs(x) > std::abs(y) : x.imag() > y.imag();
    });
    const Spectrum s = analyse_spectrum(a, 3);
    INFO("n = " << n);
    for (int i = 0; i < n; ++i) {
      CHECK(s.eigenvalues[i].real() == sorted[static_cast<size_t>(i)].real());  // bitwise
      CHECK(s.eigenvalues[i].imag() == sorted[static_cast<size_t>(i)].imag());
    }
    const Eigen::MatrixXcd v = solver.eigenvectors();
    const Eigen::MatrixXcd w = v.inverse();
    for (int i = 0; i < n; ++i) {
      // the eigenvector formula's kappa of the eigenvalue nearest s.eigenvalues[i]
      int k = 0;
      for (int j = 1; j < n; ++j)
        if (std::abs(theirs[j] - s.eigenvalues[i]) < std::abs(theirs[k] - s.eigenvalues[i])) k = j;
      const double kappa = v.col(k).norm() * w.row(k).norm();
      CHECK(s.condition[i] == Approx(kappa).epsilon(1e-7));
    }
  }
}
