#include "model/known_terms.hpp"

namespace npde {

KnownTerms::KnownTerms(int n) : n_(n), du_(n), tmp_(n) {}

void KnownTerms::set_advection(double coefficient, const Stencil& derivative) {
  advection_coefficient_ = coefficient;
  advection_.emplace(derivative, n_);
}

void KnownTerms::set_linear(const Stencil& combined) { linear_.emplace(combined, n_); }

void KnownTerms::eval(const double* u, double* out) const {
  Eigen::Map<Vector>(out, n_).setZero();
  eval_add(u, out);
}

void KnownTerms::eval_add(const double* u, double* out) const {
  if (advection_) {
    advection_->apply(u, du_.data());
    const double a = advection_coefficient_;
    for (int j = 0; j < n_; ++j) out[j] += a * u[j] * du_[j];
  }
  if (linear_) linear_->apply_add(1.0, u, out);
}

void KnownTerms::vjp_add(const double* u, const double* v, double* out) const {
  if (advection_) {
    // d/du [a u .* D u]^T v = a (D u) .* v + a D^T (u .* v)
    const double a = advection_coefficient_;
    advection_->apply(u, du_.data());
    for (int j = 0; j < n_; ++j) {
      out[j] += a * du_[j] * v[j];
      tmp_[j] = u[j] * v[j];
    }
    advection_->apply_transpose_add(a, tmp_.data(), out);
  }
  if (linear_) linear_->apply_transpose_add(1.0, v, out);
}

void KnownTerms::jvp(const double* u, const Matrix& U, Matrix& out) const {
  out.setZero();
  if (advection_) {
    // a (U .* D u + u .* D U), with D u and u broadcast along the columns
    const double a = advection_coefficient_;
    advection_->apply(u, du_.data());
    block_.setZero(U.rows(), U.cols());
    advection_->apply_add_block(1.0, U, block_);
    const Eigen::Map<const Vector> uu(u, n_);
    out.array() += a * (U.array().colwise() * du_.array() + block_.array().colwise() * uu.array());
  }
  if (linear_) linear_->apply_add_block(1.0, U, out);
}

double KnownTerms::stability_bound(const Matrix& states) const {
  double bound = 0.0;
  if (advection_) {
    double amplitude = 0.0, slope = 0.0;
    for (long c = 0; c < states.cols(); ++c) {
      advection_->apply(states.col(c).data(), du_.data());
      amplitude = std::max(amplitude, states.col(c).cwiseAbs().maxCoeff());
      slope = std::max(slope, du_.cwiseAbs().maxCoeff());
    }
    bound += std::abs(advection_coefficient_) * (slope + amplitude * spectral_radius(advection_->stencil(), n_));
  }
  if (linear_) bound += spectral_radius(linear_->stencil(), n_);
  return bound;
}

}  // namespace npde
