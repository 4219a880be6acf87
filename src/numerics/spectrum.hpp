#pragma once
// The spectrum of a real square matrix together with how far to trust it.
//
// Eigenvalues of a non-normal matrix move with rounding: an eigenvalue with condition number
// kappa moves by up to about kappa * ||E||_2 under a perturbation E (first order). The flow-map
// Jacobians npdesweep analyses range from normal (kappa = 1) to strongly non-normal (upwind
// advection plus diffusion: kappa up to 1e10), so every spectrum is stored with:
//   - each eigenvalue's condition number kappa_i = ||x_i|| ||y_i|| / |y_i^* x_i| (right and left
//     eigenvectors), and the count of eigenvalues whose position rounding alone can move by
//     more than kRoundingSetShare * ||J||_2;
//   - the extreme singular values: ||J||_2 (the worst one-step growth) and sigma_min;
//   - log|det J|, only where it is determined (sigma_min well above rounding), else NaN;
//   - epsilon-pseudospectral radii rho_eps = max{|z| : sigma_min(z I - J) <= eps} at
//     eps = kPseudospectralEpsilons[k] * ||J||_2, from radial searches (a lower bound; see
//     pseudospectral_radius): whether max|lambda| survives a perturbation of that relative size;
//   - the transient growth max_{1<=k<=K} ||J^k||_2 over the rollout horizon K (in applications
//     of the map), and the k that attains it: what a perturbation can grow to before the
//     eigenvalues' asymptotics take over. docs/numerics.md ("Conditioning of the spectra")
//     explains each.
#include <array>
#include <complex>

#include <Eigen/Dense>

namespace npde {

// Relative sizes eps / ||J||_2 of the pseudospectral radii kept for every spectrum.
inline constexpr std::array<double, 2> kPseudospectralEpsilons = {1e-8, 1e-3};
// An eigenvalue is counted as set by rounding when kappa_i * n * u * ||J||_2 (its first-order
// movement under a backward error of n * u * ||J||_2, u = 2^-53) exceeds this share of ||J||_2.
inline constexpr double kRoundingSetShare = 1e-6;
// log|det J| is determined when its first-order error under a backward error of n * u * ||J||_2,
// n^2 * u * ||J||_2 / sigma_min, is at most this (an absolute error in the logarithm).
inline constexpr double kLogDetTolerance = 1e-6;

struct Spectrum {
  Eigen::VectorXcd eigenvalues;  // by decreasing modulus, ties by decreasing imaginary part
  Eigen::VectorXd condition;     // kappa_i of eigenvalues[i]; inf where the eigenvector matrix is singular
  int rounding_set = 0;          // eigenvalues with kappa_i * n * u > kRoundingSetShare
  double norm = 0;               // ||J||_2 = sigma_max
  double sigma_min = 0;          // smallest singular value
  double log_abs_det = 0;        // sum log sigma_i when determined (kLogDetTolerance), else NaN
  std::array<double, kPseudospectralEpsilons.size()> pseudospectral_radius{};
  double transient_growth = 0;   // max_{1<=k<=horizon} ||J^k||_2 (norm when horizon = 1)
  int transient_growth_step = 0; // the k attaining it (the first one on ties)
  // Relative error bound of transient_growth from forming the powers in floating point,
  // sum_{j<k} ||J||^j ||J^(k-j)|| n u / ||J^k|| <= k n u ||J||^k / ||J^k|| at the attaining k,
  // doubled: the powers are those of the real Schur form, whose backward error n u ||J|| moves
  // ||J^k|| by as much again.
  double transient_growth_error = 0;
  // The map itself is not finite at this state (it overflowed): its growth is unbounded, so the
  // spectral radius, norm, pseudospectral radii and transient growth are inf (not NaN, which a
  // reader takes for "not analysed" and skips); eigenvalues and the rest stay NaN.
  bool overflowed = false;
};

// Eigenvalues only, sorted as Spectrum::eigenvalues (NaN if the solver failed).
Eigen::VectorXcd sorted_eigenvalues(const Eigen::MatrixXd& a);

// How the pseudospectral radii are searched: `rays` only (a lower bound, from the radial
// searches), or the `global` maximum (criss-cross after them; one or two 2n x 2n eigenproblems
// per epsilon more). A job chooses with analysis.pseudospectra (spec::kind_names).
enum class PseudospectralSearch { rays, global };

// Everything above; `horizon` (>= 1) is K of the transient growth. The eigenvalues are bitwise
// those of sorted_eigenvalues(a). O(n^3) plus O(K n^3) for the growth; `search` as above.
Spectrum analyse_spectrum(const Eigen::MatrixXd& a, int horizon = 1,
                          PseudospectralSearch search = PseudospectralSearch::rays);

// max_{1<=k<=horizon} ||a^k||_2 with its k (`step`) and the error bound described at
// Spectrum::transient_growth_error; `norm` is ||a||_2 (k = 1, from the caller's SVD). The powers
// are formed by multiplication and each ||a^k||_2 is sqrt(lambda_max((a^k)^T a^k)) from a dense
// symmetric eigensolver: exact to rounding, with no iteration to converge. inf once a power
// overflows.
double transient_growth(const Eigen::MatrixXd& a, int horizon, double norm, int* step = nullptr,
                        double* relative_error = nullptr);


// eps-pseudospectral radius of `a` (absolute eps > 0). First radial searches: from each of the
// eigenvalues with the largest first-order estimate |lambda_i| + kappa_i * eps, the first point
// along the ray from 0 through lambda_i where sigma_min(z I - a) exceeds eps, to a relative
// 1e-9; a lower bound, exact where the outermost point of a component lies on its eigenvalue's
// ray (normal matrices, Jordan blocks). Then, for `global`, criss-cross (Mengi and Overton,
// 2005): circular searches (the unimodular eigenvalues of a 2n x 2n pencil) find the arcs of
// the circle |z| = r inside the pseudospectrum and radial searches from their midpoints raise r,
// until no arc leads further than a relative 1e-9: the global maximum, off the rays too. Both
// cost O(n^3), the circular search 8x a Schur form per epsilon and more on maps with clustered
// eigenvalues, so analyse_spectrum stores the radial searches' radius (docs/numerics.md).
double pseudospectral_radius(const Eigen::MatrixXd& a, double eps, const Eigen::VectorXcd& eigenvalues,
                             const Eigen::VectorXd& condition,
                             PseudospectralSearch search = PseudospectralSearch::global);

// sigma_min(z I - a) for a complex z, exact to rounding (an SVD; for tests and small matrices).
double sigma_min_shifted(const Eigen::MatrixXd& a, std::complex<double> z);

}  // namespace npde
