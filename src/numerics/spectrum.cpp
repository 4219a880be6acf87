#include "numerics/spectrum.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <vector>

#include <Eigen/Eigenvalues>
#include <Eigen/SVD>

// LAPACK's divide-and-conquer SVD, singular values only (liblapack-dev; Fortran calling
// convention: every argument by address, the hidden length of the string argument last).
extern "C" void dgesdd_(const char* jobz, const int* m, const int* n, double* a, const int* lda, double* s,
                        double* u, const int* ldu, double* vt, const int* ldvt, double* work, const int* lwork,
                        int* iwork, int* info, size_t jobz_length);

// LAPACK's nonsymmetric eigensolver, eigenvalues only (balancing, Hessenberg QR with aggressive
// early deflation).
extern "C" void dgeev_(const char* jobvl, const char* jobvr, const int* n, double* a, const int* lda, double* wr,
                       double* wi, double* vl, const int* ldvl, double* vr, const int* ldvr, double* work,
                       const int* lwork, int* info, size_t jobvl_length, size_t jobvr_length);

namespace npde {
namespace {

using cplx = std::complex<double>;
constexpr double kUnitRoundoff = std::numeric_limits<double>::epsilon() / 2;  // u = 2^-53
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// The singular values of a finite square `a`, largest first (empty if LAPACK failed). LAPACK's
// dgesdd (bidiagonalisation, then dqds on the bidiagonal) takes a third of the time Eigen's
// BDCSVD does at n = 100 (0.9 against 2.6 ms, measured), with the same backward stability.
Eigen::VectorXd singular_values(const Eigen::MatrixXd& a) {
  const int n = static_cast<int>(a.rows()), one = 1;
  Eigen::MatrixXd copy = a;  // dgesdd overwrites its argument
  Eigen::VectorXd s(n);
  double unused = 0, size = 0;
  std::vector<int> iwork(static_cast<size_t>(8 * std::max(n, 1)));
  int lwork = -1, info = 0;
  dgesdd_("N", &n, &n, copy.data(), &n, s.data(), &unused, &one, &unused, &one, &size, &lwork, iwork.data(), &info, 1);
  if (info != 0) return {};
  lwork = static_cast<int>(size);
  std::vector<double> work(static_cast<size_t>(std::max(lwork, 1)));
  dgesdd_("N", &n, &n, copy.data(), &n, s.data(), &unused, &one, &unused, &one, work.data(), &lwork, iwork.data(),
          &info, 1);
  return info == 0 ? s : Eigen::VectorXd();
}

// The eigenvalues of a finite square `x` (overwritten), empty if LAPACK failed. For the circular
// searches' 2n x 2n matrices: 37 ms against Eigen's EigenSolver's 134 ms at 2n = 256 (measured
// on a kdv map, whose eigenvalues cluster on the unit circle, where Eigen's QR converges slowly).
Eigen::VectorXcd eigenvalues_lapack(Eigen::MatrixXd& x) {
  const int n = static_cast<int>(x.rows()), one = 1;
  Eigen::VectorXd wr(n), wi(n);
  double unused = 0, size = 0;
  int lwork = -1, info = 0;
  dgeev_("N", "N", &n, x.data(), &n, wr.data(), wi.data(), &unused, &one, &unused, &one, &size, &lwork, &info, 1, 1);
  if (info != 0) return {};
  lwork = static_cast<int>(size);
  std::vector<double> work(static_cast<size_t>(std::max(lwork, 1)));
  dgeev_("N", "N", &n, x.data(), &n, wr.data(), wi.data(), &unused, &one, &unused, &one, work.data(), &lwork, &info,
         1, 1);
  if (info != 0) return {};
  Eigen::VectorXcd z(n);
  for (int i = 0; i < n; ++i) z[i] = cplx(wr[i], wi[i]);
  return z;
}

// The order of every stored spectrum: decreasing modulus, ties by decreasing imaginary part.
bool before(const cplx& x, const cplx& y) {
  const double ax = std::abs(x), ay = std::abs(y);
  if (ax != ay) return ax > ay;
  return x.imag() > y.imag();
}

std::vector<long> sorted_order(const Eigen::VectorXcd& ev) {
  std::vector<long> order(static_cast<size_t>(ev.size()));
  std::iota(order.begin(), order.end(), 0L);
  std::stable_sort(order.begin(), order.end(), [&](long i, long j) { return before(ev[i], ev[j]); });
  return order;
}

// 1 / d for a complex d by Smith's algorithm, without the C99 Annex G special cases that make
// GCC's complex division (__divdc3) several times slower: the divisions below dominated the
// pseudospectral searches (a profile of an Allen-Cahn cell: 12% of its time in __divdc3). d is a
// finite non-zero pivot here.
inline cplx reciprocal(cplx d) {
  const double a = d.real(), b = d.imag();
  if (std::abs(a) >= std::abs(b)) {
    const double r = b / a, den = a + b * r;
    return {1.0 / den, -r / den};
  }
  const double r = a / b, den = a * r + b;
  return {r / den, -1.0 / den};
}

// sigma_min(z I - H) of a real upper Hessenberg H for complex shifts z: an LU factorisation of
// the shifted Hessenberg matrix with adjacent-row pivoting (O(n^2)), then inverse iteration on
// (A A^*)^{-1}, warm-started from the previous shift's singular vector. Each iterate gives
// 1 / ||A^{-1} x|| >= sigma_min, so a point judged inside (<= eps) is inside. The pivots'
// reciprocals are formed once per shift, so the solves multiply instead of dividing.
class ShiftedHessenberg {
 public:
  explicit ShiftedHessenberg(const Eigen::MatrixXd& h)
      : h_(h), n_(h.rows()), u_(n_, n_), m_(static_cast<size_t>(n_)), swap_(static_cast<size_t>(n_)),
        inverse_pivot_(static_cast<size_t>(n_)), x_(n_), y_(n_) {
    for (long i = 0; i < n_; ++i) x_[i] = cplx(1.0 + 0.5 * std::cos(1.0 + i), 0.5 * std::sin(2.0 + i));
    x_.normalize();
  }

  // sigma_min(z I - H) <= eps? Every iterate is an upper bound on sigma_min, so the first one at
  // or below eps decides "inside" without iterating to convergence (the searches' points near a
  // cluster of singular values took up to 200 iterations each); "outside" needs the converged value.
  bool at_most(cplx z, double eps) { return sigma_min(z, eps) <= eps; }

  double sigma_min(cplx z, double stop_below = -1.0) {
    if (!factor(z)) return 0.0;
    double estimate = kInf;
    for (int it = 0; it < 200; ++it) {
      y_ = x_;
      solve(y_);
      const double ny = y_.norm();
      if (!std::isfinite(ny)) return 0.0;
      const double next = 1.0 / ny;
      x_ = y_ / ny;
      if (next <= stop_below) return next;
      solve_adjoint(x_);
      const double nx = x_.norm();
      if (!std::isfinite(nx) || nx == 0) return next;
      x_ /= nx;
      if (std::abs(estimate - next) <= 1e-12 * next) return next;
      estimate = next;
    }
    return estimate;
  }

 private:
  // Gaussian elimination of z I - H; false if a pivot is exactly zero (z is an eigenvalue).
  bool factor(cplx z) {
    // Only the upper Hessenberg part: the solves read U's upper triangle, nothing below.
    for (long j = 0; j < n_; ++j)
      for (long i = 0; i <= std::min(j + 1, n_ - 1); ++i) u_(i, j) = cplx(-h_(i, j));
    for (long i = 0; i < n_; ++i) u_(i, i) += z;
    for (long k = 0; k + 1 < n_; ++k) {
      const size_t sk = static_cast<size_t>(k);
      swap_[sk] = std::abs(u_(k + 1, k)) > std::abs(u_(k, k));
      if (swap_[sk])
        for (long j = k; j < n_; ++j) std::swap(u_(k, j), u_(k + 1, j));
      if (u_(k, k) == cplx(0.0)) return false;
      inverse_pivot_[sk] = reciprocal(u_(k, k));
      m_[sk] = u_(k + 1, k) * inverse_pivot_[sk];
      u_(k + 1, k) = 0.0;
      // A zero multiplier (every row of a Schur form but the 2x2 blocks') changes nothing.
      if (m_[sk] != cplx(0.0))
        for (long j = k + 1; j < n_; ++j) u_(k + 1, j) -= m_[sk] * u_(k, j);
    }
    if (u_(n_ - 1, n_ - 1) == cplx(0.0)) return false;
    inverse_pivot_[static_cast<size_t>(n_ - 1)] = reciprocal(u_(n_ - 1, n_ - 1));
    return true;
  }
  // b <- (z I - H)^{-1} b
  void solve(Eigen::VectorXcd& b) const {
    for (long k = 0; k + 1 < n_; ++k) {
      const size_t sk = static_cast<size_t>(k);
      if (swap_[sk]) std::swap(b[k], b[k + 1]);
      b[k + 1] -= m_[sk] * b[k];
    }
    // U w = b by columns (contiguous in U's storage), in real arithmetic: std::complex's
    // multiplication checks every product for NaN, which keeps these loops from vectorising.
    double* x = reinterpret_cast<double*>(b.data());
    for (long j = n_ - 1; j >= 0; --j) {
      const cplx w = b[j] * inverse_pivot_[static_cast<size_t>(j)];
      b[j] = w;
      const double wr = w.real(), wi = w.imag();
      const double* column = reinterpret_cast<const double*>(&u_(0, j));
      for (long i = 0; i < j; ++i) {
        const double ur = column[2 * i], ui = column[2 * i + 1];
        x[2 * i] -= ur * wr - ui * wi;
        x[2 * i + 1] -= ur * wi + ui * wr;
      }
    }
  }
  // b <- (z I - H)^{-*} b: U^* w = b, then the eliminations' adjoints in reverse order.
  void solve_adjoint(Eigen::VectorXcd& b) const {
    const double* x = reinterpret_cast<const double*>(b.data());
    for (long i = 0; i < n_; ++i) {
      // row i of U^* is column i of U, conjugated
      const double* column = reinterpret_cast<const double*>(&u_(0, i));
      double sr = b[i].real(), si = b[i].imag();
      for (long j = 0; j < i; ++j) {
        const double ur = column[2 * j], ui = column[2 * j + 1], br = x[2 * j], bi = x[2 * j + 1];
        sr -= ur * br + ui * bi;
        si -= ur * bi - ui * br;
      }
      b[i] = cplx(sr, si) * std::conj(inverse_pivot_[static_cast<size_t>(i)]);
    }
    for (long k = n_ - 2; k >= 0; --k) {
      const size_t sk = static_cast<size_t>(k);
      b[k] -= std::conj(m_[sk]) * b[k + 1];
      if (swap_[sk]) std::swap(b[k], b[k + 1]);
    }
  }

  const Eigen::MatrixXd& h_;
  long n_;
  Eigen::MatrixXcd u_;
  std::vector<cplx> m_;
  std::vector<char> swap_;
  std::vector<cplx> inverse_pivot_;  // 1 / U_ii
  Eigen::VectorXcd x_, y_;
};

// The first exit from the eps-pseudospectrum along the ray from 0 in the direction d (|d| = 1),
// starting at radius r_in where the ray is inside: doubling steps from eps, then bisection to a
// relative 1e-9. Beyond ||A||_2 + eps nothing is inside, which bounds the search.
double radial_exit(ShiftedHessenberg& shifted, cplx d, double r_in, double eps, double outer) {
  auto inside = [&](double r) { return shifted.at_most(r * d, eps); };
  double in = r_in, out = outer, h = eps;
  while (in + h < outer) {
    if (!inside(in + h)) {
      out = in + h;
      break;
    }
    in += h;
    h *= 2;
  }
  while (out - in > 1e-9 * out) {
    const double mid = 0.5 * (in + out);
    (inside(mid) ? in : out) = mid;
  }
  return in;
}

// The circular search of Mengi and Overton (IMA J. Numer. Anal. 25, 2005): the angles theta in
// [0, pi] at which eps is a singular value of r e^{i theta} I - T, a real matrix T. With
// z = e^{i theta}, (r z I - T) v = eps u and (r conj(z) I - T^T) u = eps v give the real pencil
//     [T  eps I; 0  r I] w = z [r I  0; eps I  T^T] w,    w = (v, u),
// whose eigenvalues on the unit circle are the crossings (the others pair up as z, 1/conj(z)).
// With T well conditioned the pencil is a standard eigenproblem of size 2n (its right-hand
// matrix inverted by blocks through W = T^-T), otherwise it goes to the QZ algorithm. A rounding
// error moves a simple crossing by O(u) and a nearly tangent pair off the circle by O(sqrt(u)),
// so eigenvalues within kUnimodular of the circle count; a spurious angle costs only one more
// sigma_min, since every arc is tested at its midpoint.
constexpr double kUnimodular = 1e-5;

class CircleCrossings {
 public:
  explicit CircleCrossings(const Eigen::MatrixXd& t, double sigma_min, double norm) : t_(t), n_(t.rows()) {
    standard_ = sigma_min > 1e-8 * norm;
    if (standard_) {
      w_ = t.transpose().partialPivLu().inverse();  // W = T^-T
      wt_.noalias() = w_ * t;
    }
  }

  std::vector<double> operator()(double r, double eps) const {
    const long n = n_;
    Eigen::VectorXcd z;
    if (standard_) {
      // [r I 0; eps I T^T]^-1 [T eps I; 0 r I] = [T / r, eps / r I; -eps / r W T, (r - eps^2 / r) W]
      Eigen::MatrixXd x(2 * n, 2 * n);
      x.topLeftCorner(n, n) = t_ / r;
      x.topRightCorner(n, n) = Eigen::MatrixXd::Identity(n, n) * (eps / r);
      x.bottomLeftCorner(n, n) = wt_ * (-eps / r);
      x.bottomRightCorner(n, n) = w_ * (r - eps * eps / r);
      z = eigenvalues_lapack(x);
      if (z.size() == 0) return {};
    } else {
      Eigen::MatrixXd m = Eigen::MatrixXd::Zero(2 * n, 2 * n), b = m;
      m.topLeftCorner(n, n) = t_;
      m.topRightCorner(n, n).diagonal().setConstant(eps);
      m.bottomRightCorner(n, n).diagonal().setConstant(r);
      b.topLeftCorner(n, n).diagonal().setConstant(r);
      b.bottomLeftCorner(n, n).diagonal().setConstant(eps);
      b.bottomRightCorner(n, n) = t_.transpose();
      Eigen::GeneralizedEigenSolver<Eigen::MatrixXd> solver(m, b, /*computeEigenvectors=*/false);
      if (solver.info() != Eigen::Success) return {};
      const Eigen::VectorXcd alpha = solver.alphas();
      const Eigen::VectorXd beta = solver.betas();
      z.resize(0);
      std::vector<cplx> finite;
      for (long i = 0; i < alpha.size(); ++i)
        if (beta[i] != 0) finite.push_back(alpha[i] / beta[i]);
      z = Eigen::Map<Eigen::VectorXcd>(finite.data(), static_cast<long>(finite.size()));
    }
    std::vector<double> angles;
    for (long i = 0; i < z.size(); ++i)
      if (std::abs(std::abs(z[i]) - 1.0) <= kUnimodular && z[i].imag() >= 0) angles.push_back(std::arg(z[i]));
    return angles;
  }

 private:
  const Eigen::MatrixXd& t_;
  long n_;
  bool standard_ = false;
  Eigen::MatrixXd w_, wt_;
};

// The global maximum of |z| over the eps-pseudospectrum by criss-cross (Mengi and Overton):
// from a radius r reached inside, the circular search finds the arcs of |z| = r inside the
// pseudospectrum (tested at their midpoints), and a radial search from the middle of each arc
// gives a larger r; it ends when no arc leads further than a relative 1e-9. Every component of
// the pseudospectrum holds an eigenvalue, all of them within r, so a component reaching beyond r
// would cross the circle along an arc: none is left when the iteration stops. Quadratically
// convergent; from the radial searches' start it takes one or two circular searches.
double criss_cross(ShiftedHessenberg& shifted, const CircleCrossings& crossings, double r, double eps,
                   double outer) {
  for (int iteration = 0; iteration < 30; ++iteration) {
    std::vector<double> angles = crossings(r, eps);
    angles.push_back(0.0);
    angles.push_back(M_PI);
    std::sort(angles.begin(), angles.end());
    double next = r;
    for (size_t k = 0; k + 1 < angles.size(); ++k) {
      if (angles[k + 1] - angles[k] <= 0) continue;
      // The pseudospectrum of a real matrix is symmetric about the real axis: the first arc is
      // really [-theta_1, theta_1] and the last [theta_m, 2 pi - theta_m], with their middles on
      // the axis (searching from the half-arcs' middles instead converged only linearly).
      const double middle = k == 0 ? 0.0 : k + 2 == angles.size() ? M_PI : 0.5 * (angles[k] + angles[k + 1]);
      const cplx d = std::polar(1.0, middle);
      if (shifted.at_most(r * d, eps)) next = std::max(next, radial_exit(shifted, d, r, eps, outer));
    }
    if (next <= r * (1 + 1e-9)) break;
    r = next;
  }
  return r;
}

// The real Schur form T = Q^T A Q of `a` (quasi-triangular: 1x1 and 2x2 diagonal blocks), the
// one factorisation the analysis shares: the eigenvalues come from its diagonal blocks, the
// condition numbers from its complex triangular form, the pseudospectral searches factor its
// shifts (sigma_min(zI - A) = sigma_min(zI - T): Q is orthogonal). Empty if it failed.
Eigen::MatrixXd real_schur(const Eigen::MatrixXd& a) {
  const Eigen::RealSchur<Eigen::MatrixXd> schur(a, /*computeU=*/false);
  return schur.info() == Eigen::Success ? Eigen::MatrixXd(schur.matrixT()) : Eigen::MatrixXd();
}

// The eigenvalues of a real Schur form, unsorted, exactly as Eigen's EigenSolver forms them from
// the same form (EigenSolver.h, compute(): a 2x2 block's pair from p = (t_ii - t_jj) / 2 and a
// scaled square root), so that they are bitwise EigenSolver's; NaN if one is not finite (where
// EigenSolver reports NumericalIssue).
Eigen::VectorXcd schur_eigenvalues(const Eigen::MatrixXd& t) {
  const long n = t.rows();
  Eigen::VectorXcd ev(n);
  long i = 0;
  while (i < n) {
    if (i == n - 1 || t.coeff(i + 1, i) == 0.0) {
      ev.coeffRef(i) = t.coeff(i, i);
      if (!std::isfinite(t.coeff(i, i))) return Eigen::VectorXcd::Constant(n, cplx(kNaN, kNaN));
      ++i;
    } else {
      const double p = 0.5 * (t.coeff(i, i) - t.coeff(i + 1, i + 1));
      double z;
      {
        double t0 = t.coeff(i + 1, i);
        double t1 = t.coeff(i, i + 1);
        const double maxval = std::max(std::abs(p), std::max(std::abs(t0), std::abs(t1)));
        t0 /= maxval;
        t1 /= maxval;
        const double p0 = p / maxval;
        z = maxval * std::sqrt(std::abs(p0 * p0 + t0 * t1));
      }
      ev.coeffRef(i) = cplx(t.coeff(i + 1, i + 1) + p, z);
      ev.coeffRef(i + 1) = cplx(t.coeff(i + 1, i + 1) + p, -z);
      if (!std::isfinite(z) || !std::isfinite(t.coeff(i + 1, i + 1) + p))
        return Eigen::VectorXcd::Constant(n, cplx(kNaN, kNaN));
      i += 2;
    }
  }
  return ev;
}

// The complex upper-triangular Schur form of a real one: each 2x2 block (a complex pair)
// triangularised by a unitary plane rotation, applied to its two rows and columns (MATLAB's
// rsf2csf). O(n) per block.
Eigen::MatrixXcd complex_schur(const Eigen::MatrixXd& real) {
  const long n = real.rows();
  Eigen::MatrixXcd t = real.cast<cplx>();
  for (long m = n - 1; m >= 1; --m) {
    if (real(m, m - 1) == 0.0) continue;
    // mu: the block's eigenvalue with positive imaginary part, minus t(m, m)
    const double a = t(m - 1, m - 1).real(), b = t(m - 1, m).real(), c = t(m, m - 1).real(), d = t(m, m).real();
    const double p = 0.5 * (a - d), discriminant = p * p + b * c;
    const cplx mu = discriminant < 0 ? cplx(p, std::sqrt(-discriminant)) : cplx(p + std::sqrt(discriminant), 0.0);
    const double r = std::hypot(std::abs(mu), c);
    if (!(r > 0)) continue;
    const cplx cs = mu / r;
    const double sn = c / r;
    // G = [conj(cs) sn; -sn cs]: rows m-1, m from column m-1 on; then columns m-1, m by G^*
    for (long j = m - 1; j < n; ++j) {
      const cplx x = t(m - 1, j), y = t(m, j);
      t(m - 1, j) = std::conj(cs) * x + sn * y;
      t(m, j) = -sn * x + cs * y;
    }
    for (long i = 0; i <= m; ++i) {
      const cplx x = t(i, m - 1), y = t(i, m);
      t(i, m - 1) = x * cs + y * sn;
      t(i, m) = -x * sn + y * std::conj(cs);
    }
    t(m, m - 1) = 0.0;
  }
  return t;
}

// kappa_i = ||x_i|| ||y_i|| / |y_i^* x_i| of each eigenvalue, one at a time from the
// complex Schur form T = Q^* A Q (unitary, so T's eigenvectors give A's kappa): for T_ii the
// right eigenvector solves the leading block's triangular system and the left one the trailing
// block's, with x_i = y_i = 1, so y^* x = 1 (LAPACK's trsna computes the same). Inverting the
// whole eigenvector matrix instead mixes every eigenvalue's rounding into every kappa: on the
// Burgers truth map (kappa up to 1e15) it misstated kappa = 3 as 2.25 on one CPU and 2.97 on
// another. Each kappa goes to the eigenvalue of `sorted` nearest its Schur value.
Eigen::VectorXd condition_numbers(const Eigen::MatrixXcd& t, const Eigen::VectorXcd& sorted) {
  const long n = t.rows();
  Eigen::VectorXd kappa = Eigen::VectorXd::Constant(n, kInf);

  const double tiny = std::numeric_limits<double>::epsilon() * std::max(t.norm(), std::numeric_limits<double>::min());
  auto pivot = [&](cplx d) { return std::abs(d) < tiny ? cplx(tiny) : d; };  // a repeated eigenvalue
  std::vector<double> schur_kappa(static_cast<size_t>(n));
  Eigen::VectorXcd x(n), y(n);
  for (long i = 0; i < n; ++i) {
    const cplx lambda = t(i, i);
    // (T_11 - lambda) x_1 = -T_12: back substitution over rows i-1 .. 0.
    double xx = 1.0;
    for (long r = i - 1; r >= 0; --r) {
      cplx v = -t(r, i);
      for (long c = r + 1; c < i; ++c) v -= t(r, c) * x[c];
      x[r] = v / pivot(t(r, r) - lambda);
      xx += std::norm(x[r]);
    }
    // y_2^* (T_22 - lambda) = -T_12^*: forward substitution over columns i+1 .. n-1.
    double yy = 1.0;
    for (long c = i + 1; c < n; ++c) {
      cplx v = -t(i, c);
      for (long r = i + 1; r < c; ++r) v -= y[r] * t(r, c);
      y[c] = v / pivot(t(c, c) - lambda);
      yy += std::norm(y[c]);
    }
    const double k = std::sqrt(xx * yy);
    schur_kappa[static_cast<size_t>(i)] = std::isfinite(k) ? k : kInf;
  }
  // Pair the sorted eigenvalues with the Schur diagonal, nearest first in the sorted order.
  std::vector<char> used(static_cast<size_t>(n), 0);
  for (long i = 0; i < n; ++i) {
    long best = -1;
    double distance = kInf;
    for (long j = 0; j < n; ++j)
      if (!used[static_cast<size_t>(j)] && std::abs(t(j, j) - sorted[i]) < distance) {
        distance = std::abs(t(j, j) - sorted[i]);
        best = j;
      }
    if (best < 0) break;
    used[static_cast<size_t>(best)] = 1;
    kappa[i] = schur_kappa[static_cast<size_t>(best)];
  }
  return kappa;
}

// How many eigenvalues start a radial search: the leading first-order estimates, and the
// largest eigenvalue itself.
constexpr long kPseudospectralCandidates = 6;

}  // namespace

namespace {

Eigen::VectorXcd sorted_from_schur(const Eigen::MatrixXd& t, long n) {
  const Eigen::VectorXcd ev = t.size() ? schur_eigenvalues(t) : Eigen::VectorXcd::Constant(n, cplx(kNaN, kNaN));
  const std::vector<long> order = sorted_order(ev);
  Eigen::VectorXcd sorted(ev.size());
  for (long i = 0; i < ev.size(); ++i) sorted[i] = ev[order[static_cast<size_t>(i)]];
  return sorted;
}

}  // namespace

Eigen::VectorXcd sorted_eigenvalues(const Eigen::MatrixXd& a) { return sorted_from_schur(real_schur(a), a.rows()); }

namespace {

// rho_eps by radial searches from the candidate eigenvalues (see the header).
double radial_radius(ShiftedHessenberg& shifted, double outer_norm, double eps, const Eigen::VectorXcd& eigenvalues,
                     const Eigen::VectorXd& condition) {
  const long n = eigenvalues.size();
  if (n == 0 || !(eps > 0) || !eigenvalues.allFinite()) return kNaN;
  const double outer = outer_norm + eps;  // |z| > ||A||_2 + eps: sigma_min(z I - A) > eps
  // Candidates: the largest first-order estimates |lambda_i| + kappa_i eps, and lambda_0.
  std::vector<long> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0L);
  auto estimate = [&](long i) {
    const double k = std::isfinite(condition[i]) ? condition[i] : kInf;
    return std::min(std::abs(eigenvalues[i]) + k * eps, outer);
  };
  std::stable_sort(order.begin(), order.end(), [&](long i, long j) { return estimate(i) > estimate(j); });
  order.resize(static_cast<size_t>(std::min(n, kPseudospectralCandidates)));
  if (std::find(order.begin(), order.end(), 0L) == order.end()) order.push_back(0);
  double radius = std::abs(eigenvalues[0]) + eps;  // sigma_min(z I - A) <= |z - lambda|
  for (long i : order) {
    // A real matrix's pseudospectrum is symmetric about the real axis: of a conjugate pair
    // among the candidates, the search from the upper one is enough.
    const bool mirrored = eigenvalues[i].imag() < 0 && std::any_of(order.begin(), order.end(), [&](long j) {
                            return eigenvalues[j] == std::conj(eigenvalues[i]);
                          });
    if (mirrored) continue;
    // A candidate whose ray is already outside at the radius found so far cannot raise it (its
    // first exit lies below), so one converged sigma_min replaces its ~35 search points. The
    // candidates come by decreasing estimate, so after the first search most are skipped.
    const double r0 = std::abs(eigenvalues[i]);
    const cplx d = r0 > 0 ? eigenvalues[i] / r0 : cplx(1.0);
    if (r0 < radius && !shifted.at_most(radius * d, eps)) continue;
    radius = std::max(radius, radial_exit(shifted, d, r0, eps, outer));
  }
  return radius;
}

}  // namespace

double pseudospectral_radius(const Eigen::MatrixXd& a, double eps, const Eigen::VectorXcd& eigenvalues,
                             const Eigen::VectorXd& condition, PseudospectralSearch search) {
  if (a.rows() == 0 || !a.allFinite()) return kNaN;
  const Eigen::MatrixXd t = real_schur(a);
  if (t.size() == 0) return kNaN;
  const Eigen::VectorXd sv = singular_values(a);
  if (sv.size() == 0) return kNaN;
  ShiftedHessenberg shifted(t);
  const double rays = radial_radius(shifted, sv[0], eps, eigenvalues, condition);
  if (search == PseudospectralSearch::rays || !std::isfinite(rays)) return rays;
  return criss_cross(shifted, CircleCrossings(t, sv[sv.size() - 1], sv[0]), rays, eps, sv[0] + eps);
}

double sigma_min_shifted(const Eigen::MatrixXd& a, cplx z) {
  Eigen::MatrixXcd shifted = -a.cast<cplx>();
  shifted.diagonal().array() += z;
  return Eigen::JacobiSVD<Eigen::MatrixXcd>(shifted).singularValues().minCoeff();
}

namespace {

// ||p||_2 for a finite p: the square root of the largest eigenvalue of p^T p from a dense
// symmetric eigensolver, after scaling p by a power of two (exact) near its largest entry so
// that the Gram matrix does not overflow or underflow where p itself does not.
double two_norm(const Eigen::MatrixXd& p, Eigen::MatrixXd& gram) {
  const double largest = p.cwiseAbs().maxCoeff();
  const int shift = largest > 0 ? std::ilogb(largest) : 0;
  gram.noalias() = std::ldexp(1.0, -shift) * p.transpose() * (std::ldexp(1.0, -shift) * p);
  const double top =
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(gram, Eigen::EigenvaluesOnly).eigenvalues()[p.rows() - 1];
  return std::ldexp(std::sqrt(std::max(top, 0.0)), shift);
}

// ||p||_F with the same scaling: an upper bound on ||p||_2.
double frobenius(const Eigen::MatrixXd& p) {
  const double largest = p.cwiseAbs().maxCoeff();
  const int shift = largest > 0 ? std::ilogb(largest) : 0;
  return std::ldexp((std::ldexp(1.0, -shift) * p).norm(), shift);
}

// True if `a` is zero below its first subdiagonal (a real Schur form).
bool quasi_triangular(const Eigen::MatrixXd& a) {
  for (long j = 0; j < a.cols(); ++j)
    for (long i = j + 2; i < a.rows(); ++i)
      if (a(i, j) != 0) return false;
  return true;
}

// out = a * p. For a quasi-triangular `a` and a power of it, p (quasi-triangular with the same
// blocks, and so is the product), column j of the product involves only the leading j + 2 rows
// and columns: a third of the dense product's flops, 0.038 against 0.058 ms at n = 100
// (measured; Eigen's triangular-times-dense product took 0.050). The entries left out are zero
// in both, so the product is the dense one's to rounding.
void multiply(const Eigen::MatrixXd& a, bool quasi, const Eigen::MatrixXd& p, Eigen::MatrixXd& out) {
  if (!quasi) {
    out.noalias() = a * p;
    return;
  }
  const long n = a.rows();
  for (long j = 0; j < n; ++j) {
    const long m = std::min(j + 2, n);
    out.col(j).head(m).noalias() = a.topLeftCorner(m, m) * p.col(j).head(m);
    out.col(j).tail(n - m).setZero();
  }
}

}  // namespace

double transient_growth(const Eigen::MatrixXd& a, int horizon, double norm, int* step, double* relative_error) {
  const long n = a.rows();
  // Every power's exact 2-norm would cost a Gram matrix and a symmetric eigensolve each. Instead
  // each ||a^k||_2 is bounded from above (Frobenius) and the maximum from below (||a^k v|| for a
  // vector refined by one step of power iteration per k); the exact solve runs only for the k
  // whose upper bound reaches that lower bound, since no other k can attain the maximum. The
  // result is the one solving for every k would give; for growing powers (nearly rank one) only
  // the last few k are solved. The powers are kept for the second pass while they take at most
  // kKeptPowersBytes, and formed again otherwise.
  constexpr double kKeptPowersBytes = 64e6;
  const bool keep = static_cast<double>(horizon) * static_cast<double>(n * n) * 8 <= kKeptPowersBytes;
  std::vector<Eigen::MatrixXd> kept;
  std::vector<double> upper{norm};
  Eigen::VectorXd v = Eigen::VectorXd::Ones(n) / std::sqrt(static_cast<double>(n));
  double lower = norm;
  int overflow = 0;  // the first k whose power is not finite
  const bool quasi = quasi_triangular(a);
  Eigen::MatrixXd power = a, next(n, n);
  if (keep) {
    kept.reserve(static_cast<size_t>(horizon));
    kept.push_back(a);
  }
  for (int k = 2; k <= horizon; ++k) {
    if (keep) {  // formed in place, not copied
      kept.emplace_back(n, n);
      multiply(a, quasi, kept[kept.size() - 2], kept.back());
    } else {
      multiply(a, quasi, power, next);
      power.swap(next);
    }
    const Eigen::MatrixXd& current = keep ? kept.back() : power;
    if (!current.allFinite()) {
      overflow = k;
      break;
    }
    upper.push_back(frobenius(current) * (1 + 1e-12));  // a margin for the rounding of both norms
    const Eigen::VectorXd w = current.transpose() * (current * v);
    if (const double length = w.norm(); length > 0 && std::isfinite(length)) v = w / length;
    lower = std::max(lower, (current * v).norm());
  }
  double growth = norm, bound = static_cast<double>(n) * kUnitRoundoff;
  int at = 1;
  if (overflow) {
    growth = kInf;
    at = overflow;
  } else {
    Eigen::MatrixXd gram(n, n);
    power = a;
    for (int k = 2; k <= horizon; ++k) {
      if (!keep) {
        multiply(a, quasi, power, next);
        power.swap(next);
      }
      if (upper[static_cast<size_t>(k - 1)] < std::max(growth, lower)) continue;  // cannot be the maximum
      const double value = two_norm(keep ? kept[static_cast<size_t>(k - 1)] : power, gram);
      if (value > growth) {
        growth = value;
        at = k;
      }
    }
    if (at > 1) {
      double norm_power = norm;  // ||a||^k, formed as the bound's derivation forms it
      for (int k = 2; k <= at; ++k) norm_power *= norm;
      bound = static_cast<double>(at) * static_cast<double>(n) * kUnitRoundoff * norm_power / growth;
    }
  }
  if (step) *step = at;
  if (relative_error) *relative_error = std::isfinite(growth) ? bound : kNaN;
  return growth;
}

Spectrum analyse_spectrum(const Eigen::MatrixXd& a, int horizon, PseudospectralSearch search) {
  const long n = a.rows();
  Spectrum s;
  s.transient_growth = s.transient_growth_error = kNaN;
  s.eigenvalues = Eigen::VectorXcd::Constant(n, cplx(kNaN, kNaN));
  s.condition = Eigen::VectorXd::Constant(n, kNaN);
  s.norm = s.sigma_min = s.log_abs_det = kNaN;
  s.pseudospectral_radius.fill(kNaN);
  if (n == 0) return s;
  if (!a.allFinite()) {
    s.overflowed = true;
    s.norm = s.transient_growth = kInf;
    s.pseudospectral_radius.fill(kInf);
    return s;
  }

  // One real Schur factorisation: the eigenvalues (bitwise sorted_eigenvalues'), the condition
  // numbers (from its complex triangular form) and the pseudospectral searches (on its shifts).
  const Eigen::MatrixXd t = real_schur(a);
  s.eigenvalues = sorted_from_schur(t, n);
  if (!s.eigenvalues.allFinite()) return s;
  s.condition = condition_numbers(complex_schur(t), s.eigenvalues);

  const Eigen::VectorXd sv = singular_values(a);
  if (sv.size() != n) return s;
  s.norm = sv[0];
  s.sigma_min = sv[n - 1];
  const double backward = static_cast<double>(n) * kUnitRoundoff * s.norm;  // the solvers' backward error
  for (long i = 0; i < n; ++i) s.rounding_set += s.condition[i] * backward > kRoundingSetShare * s.norm;
  if (static_cast<double>(n) * backward <= kLogDetTolerance * s.sigma_min)
    s.log_abs_det = s.eigenvalues.array().abs().log().sum();
  // The radial searches, and for the global maximum criss-cross from their radius: a 2n x 2n
  // eigenproblem or two per epsilon, several times the rest of this analysis (docs/numerics.md).
  ShiftedHessenberg shifted(t);  // quasi-triangular, so upper Hessenberg
  std::optional<CircleCrossings> crossings;
  if (search == PseudospectralSearch::global) crossings.emplace(t, s.sigma_min, s.norm);
  for (size_t e = 0; e < kPseudospectralEpsilons.size(); ++e) {
    const double eps = kPseudospectralEpsilons[e] * s.norm;
    double& radius = s.pseudospectral_radius[e];
    radius = radial_radius(shifted, s.norm, eps, s.eigenvalues, s.condition);
    if (crossings && std::isfinite(radius)) radius = criss_cross(shifted, *crossings, radius, eps, s.norm + eps);
  }
  // The powers of T (||A^k||_2 = ||T^k||_2), at a third of the flops of A's (multiply). T is the Schur form of a
  // matrix within a backward error of n u ||A|| of A, which moves ||A^k|| by up to
  // k n u ||A||^k: the same size as the bound for forming the powers, so the bound doubles.
  s.transient_growth = transient_growth(t, std::max(horizon, 1), s.norm, &s.transient_growth_step,
                                        &s.transient_growth_error);
  s.transient_growth_error *= 2;
  return s;
}

}  // namespace npde
