#include "pipeline/closure_fit.hpp"

#include <cmath>
#include <complex>
#include <limits>
#include <stdexcept>

#include <fftw3.h>

namespace npde {

TermFit least_squares_fit(const Matrix& y, const std::vector<Matrix>& columns, const std::vector<std::string>& names) {
  const long rows = y.size(), p = static_cast<long>(columns.size());
  Matrix x(rows, p);
  for (long j = 0; j < p; ++j) {
    if (columns[static_cast<size_t>(j)].size() != rows) throw std::invalid_argument("least_squares_fit: column size");
    x.col(j) = Eigen::Map<const Vector>(columns[static_cast<size_t>(j)].data(), rows);
  }
  const Eigen::Map<const Vector> target(y.data(), rows);
  TermFit fit;
  fit.names = names;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  fit.coefficients = Vector::Constant(p, nan);
  fit.standard_errors = Vector::Constant(p, nan);
  const Eigen::ColPivHouseholderQR<Matrix> qr(x);
  const double y2 = target.squaredNorm();
  if (qr.rank() < p || rows <= p) {
    fit.residual_share = nan;
    return fit;
  }
  fit.coefficients = qr.solve(target);
  const Vector residual = target - x * fit.coefficients;
  fit.residual_share = y2 > 0 ? residual.squaredNorm() / y2 : nan;
  const double sigma2 = residual.squaredNorm() / static_cast<double>(rows - p);
  const Matrix covariance = (x.transpose() * x).inverse() * sigma2;
  for (long j = 0; j < p; ++j) fit.standard_errors[j] = std::sqrt(std::max(0.0, covariance(j, j)));
  return fit;
}

Vector spectral_derivative(const Vector& u, int order, double length) {
  const int n = static_cast<int>(u.size());
  std::vector<double> x(u.data(), u.data() + n);
  std::vector<std::complex<double>> modes(static_cast<size_t>(n / 2 + 1));
  auto* m = reinterpret_cast<fftw_complex*>(modes.data());
  const fftw_plan forward = fftw_plan_dft_r2c_1d(n, x.data(), m, FFTW_ESTIMATE);
  fftw_execute(forward);
  fftw_destroy_plan(forward);
  const double pi = 3.14159265358979323846;
  for (int k = 0; k <= n / 2; ++k) {
    const bool nyquist = 2 * k == n;
    const std::complex<double> ik(0.0, 2.0 * pi * k / length);
    modes[static_cast<size_t>(k)] *= (nyquist && order % 2) ? 0.0 : std::pow(ik, order) / static_cast<double>(n);
    if (nyquist) modes[static_cast<size_t>(k)] = modes[static_cast<size_t>(k)].real();
  }
  const fftw_plan backward = fftw_plan_dft_c2r_1d(n, m, x.data(), FFTW_ESTIMATE);
  fftw_execute(backward);
  fftw_destroy_plan(backward);
  return Eigen::Map<Vector>(x.data(), n);
}

LearnedBasis learned_basis(const PdeSettings& pde, const std::string& train_stencil, const Matrix& states) {
  LearnedBasis b;
  const long n = states.rows(), s = states.cols();
  const double dx = pde.dx();
  for (const CaseTerm& t : pde.pde_case->terms) {
    if (!t.learned) continue;
    const double c = term_coefficient(pde, t);
    const std::string stencil = term_stencil(pde, t, TermSet::Learned, train_stencil);
    int order = 0;
    double taylor = 0;
    if (t.derivative > 0 && stencil != "spectral") {
      const auto terms = truncation_terms(stencil, t.derivative, 1);
      if (!terms.empty()) {
        order = terms[0].order;
        taylor = terms[0].coefficient;
      }
    }
    Matrix discrete(n, s), physics(n, s), truncation(n, s);
    std::optional<PeriodicOperator> d;
    if (t.derivative > 0) d.emplace(make_stencil(stencil, t.derivative, static_cast<int>(n), dx), static_cast<int>(n));
    for (long col = 0; col < s; ++col) {
      const Vector u = states.col(col);
      Vector inner(n), outer(n);
      for (long j = 0; j < n; ++j) {
        double qj = 1, pj = c;
        for (int i = 0; i < t.inner_power; ++i) qj *= u[j];
        for (int i = 0; i < t.u_power; ++i) pj *= u[j];
        inner[j] = qj;
        outer[j] = pj;
      }
      Vector du = inner;
      if (d) d->apply(inner.data(), du.data());
      discrete.col(col) = outer.cwiseProduct(du);
      physics.col(col) = t.derivative > 0 ? Vector(outer.cwiseProduct(spectral_derivative(inner, t.derivative, pde.length)))
                                          : Vector(outer.cwiseProduct(inner));
      truncation.col(col) = order > 0 ? Vector(std::pow(dx, order - t.derivative) *
                                               outer.cwiseProduct(spectral_derivative(inner, order, pde.length)))
                                      : Vector(Vector::Zero(n));
    }
    b.names.push_back(t.name);
    b.discrete.push_back(discrete);
    b.physics.push_back(physics);
    b.truncation.push_back(truncation);
    b.taylor.push_back(taylor);
    b.taylor_order.push_back(order);
  }
  return b;
}

}  // namespace npde
