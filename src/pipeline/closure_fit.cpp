#include "pipeline/closure_fit.hpp"

#include <cmath>
#include <complex>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>

#include <fftw3.h>

namespace npde {

TermFit least_squares_fit(const Matrix& y, const std::vector<Matrix>& columns) {
  const long rows = y.size(), p = static_cast<long>(columns.size());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  TermFit fit;
  fit.coefficients = Vector::Constant(p, nan);
  fit.standard_errors = Vector::Constant(p, nan);
  fit.residual_share = nan;
  auto undetermined = [&](std::string why) {
    fit.undetermined = std::move(why);
    return fit;
  };
  if (!y.allFinite()) return undetermined("the fitted values are not all finite");
  std::vector<long> used;  // the non-zero columns
  for (long j = 0; j < p; ++j) {
    const Matrix& c = columns[static_cast<size_t>(j)];
    if (c.size() != rows) throw std::invalid_argument("least_squares_fit: column size");
    if (!c.allFinite()) return undetermined("a candidate term is not finite on these states");
    if (c.norm() > 0) used.push_back(j);
  }
  const long q = static_cast<long>(used.size());
  if (q == 0)
    return undetermined(p == 0 ? "no candidate terms"
                               : "every candidate term is zero on these states (a uniform field has no derivatives)");
  if (rows <= q) return undetermined("fewer values than candidate terms");
  Matrix x(rows, q);
  Vector scale(q);
  for (long i = 0; i < q; ++i) {
    const Matrix& c = columns[static_cast<size_t>(used[static_cast<size_t>(i)])];
    scale[i] = c.norm();
    // (|values| above about 1e154: the squared norm overflows.)
    if (!std::isfinite(scale[i])) return undetermined("a candidate term is too large to fit (its norm overflows)");
    x.col(i) = Eigen::Map<const Vector>(c.data(), rows) / scale[i];
  }
  const Eigen::Map<const Vector> target(y.data(), rows);
  const double y2 = target.squaredNorm();
  if (!std::isfinite(y2)) return undetermined("the fitted values are too large to fit (their norm overflows)");
  const Eigen::ColPivHouseholderQR<Matrix> qr(x);
  if (qr.rank() < q)
    return undetermined("the candidate terms are linearly dependent on these states (rank " +
                        std::to_string(qr.rank()) + " of " + std::to_string(q) + ")");
  const Vector b = qr.solve(target);
  const Vector residual = target - x * b;
  fit.residual_share = y2 > 0 ? residual.squaredNorm() / y2 : nan;
  const double sigma2 = residual.squaredNorm() / static_cast<double>(rows - q);
  const Matrix covariance = (x.transpose() * x).inverse() * sigma2;
  for (long i = 0; i < q; ++i) {
    const long j = used[static_cast<size_t>(i)];
    fit.coefficients[j] = b[i] / scale[i];
    fit.standard_errors[j] = std::sqrt(std::max(0.0, covariance(i, i))) / scale[i];
  }
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

namespace {

// c u^p D(u^q) at each state, D given by `apply` (inner -> derivative).
template <class Apply>
Matrix term_values(const CaseTerm& t, double c, const Matrix& states, Apply apply) {
  const long n = states.rows();
  Matrix out(n, states.cols());
  Vector inner(n), outer(n);
  for (long col = 0; col < states.cols(); ++col) {
    for (long j = 0; j < n; ++j) {
      const double u = states(j, col);
      double qj = 1, pj = c;
      for (int i = 0; i < t.inner_power; ++i) qj *= u;
      for (int i = 0; i < t.u_power; ++i) pj *= u;
      inner[j] = qj;
      outer[j] = pj;
    }
    out.col(col) = outer.cwiseProduct(apply(inner));
  }
  return out;
}

// The Taylor coefficients c_k' (k' > k) of a stencil by order; none for spectral.
std::map<int, double> taylor_by_order(const std::string& stencil, int derivative) {
  std::map<int, double> m;
  if (stencil == "spectral") return m;
  for (const TaylorTerm& t : truncation_terms(stencil, derivative, 3)) m[t.order] = t.coefficient;
  return m;
}

}  // namespace

Matrix exact_term_values(const PdeSettings& pde, const CaseTerm& term, const Matrix& states, int order, double scale) {
  return term_values(term, term_coefficient(pde, term), states, [&](const Vector& inner) {
    return order > 0 ? Vector(scale * spectral_derivative(inner, order, pde.length)) : Vector(scale * inner);
  });
}

std::vector<CandidateTerm> closure_candidates(const PdeSettings& pde, const std::string& train_stencil,
                                              const std::string& infer_stencil, const Matrix& states) {
  const int n = static_cast<int>(states.rows());
  const double dx = pde.dx();
  std::vector<CandidateTerm> out;
  for (const CaseTerm& t : pde.pde_case->terms) {
    CandidateTerm ct;
    ct.name = t.name;
    ct.learned = t.learned;
    ct.taylor = std::numeric_limits<double>::quiet_NaN();
    const double c = term_coefficient(pde, t);
    const std::string truth = term_stencil(pde, t, TermSet::Truth, train_stencil);
    const std::string model = t.learned ? std::string() : term_stencil(pde, t, TermSet::Model, infer_stencil);
    if (!t.learned && truth == model) {  // the model computes this term as the data do: nothing to learn
      out.push_back(std::move(ct));
      continue;
    }
    // The leading Taylor term of D^truth (learned) or of D^truth - D^model (known).
    std::map<int, double> taylor;
    if (t.derivative > 0) {
      taylor = taylor_by_order(truth, t.derivative);
      if (!t.learned)
        for (const auto& [order, coefficient] : taylor_by_order(model, t.derivative)) taylor[order] -= coefficient;
    }
    for (const auto& [order, coefficient] : taylor)
      if (std::abs(coefficient) > 1e-12) {
        ct.taylor_order = order;
        ct.taylor = coefficient;
        break;
      }
    std::optional<PeriodicOperator> d_truth, d_model;
    if (t.derivative > 0) {
      d_truth.emplace(make_stencil(truth, t.derivative, n, dx), n);
      if (!t.learned) d_model.emplace(make_stencil(model, t.derivative, n, dx), n);
    }
    ct.discrete = term_values(t, c, states, [&](const Vector& inner) {
      if (!d_truth) return Vector(inner);
      Vector a(n), b(n);
      d_truth->apply(inner.data(), a.data());
      if (!d_model) return a;
      d_model->apply(inner.data(), b.data());
      return Vector(a - b);
    });
    if (t.learned) ct.physics = exact_term_values(pde, t, states, t.derivative);
    if (ct.taylor_order > 0)
      ct.truncation = exact_term_values(pde, t, states, ct.taylor_order, std::pow(dx, ct.taylor_order - t.derivative));
    out.push_back(std::move(ct));
  }
  return out;
}

ClosureFit fit_closure(const PdeSettings& pde, const std::string& train_stencil, const std::string& infer_stencil,
                       const Matrix& states, const Matrix& network) {
  const std::vector<CandidateTerm> terms = closure_candidates(pde, train_stencil, infer_stencil, states);
  const long count = static_cast<long>(terms.size());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ClosureFit f;
  f.coefficient = Matrix::Constant(count, 3, nan);
  f.standard_error = Matrix::Constant(count, 3, nan);
  f.taylor = Vector::Constant(count, nan);
  f.truncation_share = Vector::Constant(count, nan);
  f.residual_share = Vector::Constant(2, nan);
  // Each fit's columns, and where each coefficient goes (term, FitColumn).
  std::vector<Matrix> discrete, physics;
  std::vector<std::pair<long, int>> discrete_at, physics_at;
  for (long i = 0; i < count; ++i) {
    const CandidateTerm& t = terms[static_cast<size_t>(i)];
    f.taylor[i] = t.taylor;
    if (t.discrete.size()) discrete.push_back(t.discrete), discrete_at.emplace_back(i, kFitDiscrete);
    if (t.physics.size()) physics.push_back(t.physics), physics_at.emplace_back(i, kFitPhysics);
    if (t.truncation.size()) physics.push_back(t.truncation), physics_at.emplace_back(i, kFitTruncation);
  }
  auto fit = [&](const std::vector<Matrix>& columns, const std::vector<std::pair<long, int>>& at, int which) {
    if (columns.empty()) return;
    const TermFit r = least_squares_fit(network, columns);
    for (size_t j = 0; j < at.size(); ++j) {
      f.coefficient(at[j].first, at[j].second) = r.coefficients[static_cast<long>(j)];
      f.standard_error(at[j].first, at[j].second) = r.standard_errors[static_cast<long>(j)];
    }
    f.residual_share[which] = r.residual_share;
    f.undetermined[which] = r.undetermined;
  };
  fit(discrete, discrete_at, 0);
  fit(physics, physics_at, 1);
  for (long i = 0; i < count; ++i) f.truncation_share[i] = f.coefficient(i, kFitTruncation) / f.taylor[i];
  return f;
}

Matrix network_outputs(NeuralRhs& model, const Vector& theta, const Matrix& states) {
  const long n = model.size();
  Matrix out(n, states.cols());
  Vector f_model(n), known(n);
  model.set_parameters(theta);
  for (long c = 0; c < states.cols(); ++c) {
    const Vector u = states.col(c);
    model.eval(-1, u, f_model);
    model.known().eval(u.data(), known.data());
    out.col(c) = f_model - known;
  }
  return out;
}

std::string closure_fit_terms(const PdeSettings& pde) {
  std::string s;
  for (const CaseTerm& t : pde.pde_case->terms) s += (s.empty() ? "" : " ") + t.name;
  return s;
}

}  // namespace npde
