#include "model/known_terms.hpp"

#include <cmath>
#include <stdexcept>

namespace npde {
namespace {

// x^p for a small non-negative integer p, by repeated products (exact for p = 0 and 1).
inline double ipow(double x, int p) {
  double r = 1.0;
  for (int i = 0; i < p; ++i) r *= x;
  return r;
}

}  // namespace

KnownTerms::KnownTerms(int n) : n_(n), du_(n), tmp_(n), w_(n) {}

void KnownTerms::add_product(double coefficient, int p, int q, const std::optional<Stencil>& derivative) {
  if (p < 0 || q < 1) throw std::invalid_argument("a product term needs p >= 0 and q >= 1");
  Product t{coefficient, p, q, std::nullopt};
  if (derivative) t.d.emplace(*derivative, n_);
  products_.push_back(std::move(t));
}

void KnownTerms::set_linear(const Stencil& combined) { linear_.emplace(combined, n_); }

std::optional<Stencil> KnownTerms::linear_stencil() const {
  return linear_ ? std::optional<Stencil>(linear_->stencil()) : std::nullopt;
}

KnownTerms KnownTerms::without_linear() const {
  KnownTerms t = *this;
  t.linear_.reset();
  return t;
}

SplitTerms split_for_stepper(const KnownTerms& terms, const Stepper& stepper) {
  if (!stepper.exponential()) return {terms, {stepper, std::nullopt}};
  return {terms.without_linear(), {stepper, terms.linear_stencil()}};
}

const double* KnownTerms::inner(const Product& t, const double* u) const {
  const double* w = u;
  if (t.q > 1) {
    for (int j = 0; j < n_; ++j) w_[j] = ipow(u[j], t.q);
    w = w_.data();
  }
  if (!t.d) return w;
  t.d->apply(w, du_.data());
  return du_.data();
}

void KnownTerms::eval(const double* u, double* out) const {
  Eigen::Map<Vector>(out, n_).setZero();
  eval_add(u, out);
}

void KnownTerms::eval_add(const double* u, double* out) const {
  for (const Product& t : products_) {
    const double a = t.c;
    if (t.advection()) {
      t.d->apply(u, du_.data());
      for (int j = 0; j < n_; ++j) out[j] += a * u[j] * du_[j];
      continue;
    }
    const double* dw = inner(t, u);
    for (int j = 0; j < n_; ++j) out[j] += a * ipow(u[j], t.p) * dw[j];
  }
  if (linear_) linear_->apply_add(1.0, u, out);
}

void KnownTerms::vjp_add(const double* u, const double* v, double* out) const {
  for (const Product& t : products_) {
    const double a = t.c;
    if (t.advection()) {
      // d/du [a u .* D u]^T v = a (D u) .* v + a D^T (u .* v)
      t.d->apply(u, du_.data());
      for (int j = 0; j < n_; ++j) {
        out[j] += a * du_[j] * v[j];
        tmp_[j] = u[j] * v[j];
      }
      t.d->apply_transpose_add(a, tmp_.data(), out);
      continue;
    }
    // d/du [a u^p .* D(u^q)]^T v = a p u^(p-1) D(u^q) .* v + q u^(q-1) .* D^T (a u^p .* v)
    const double* dw = inner(t, u);
    if (t.p > 0)
      for (int j = 0; j < n_; ++j) out[j] += a * t.p * ipow(u[j], t.p - 1) * dw[j] * v[j];
    for (int j = 0; j < n_; ++j) tmp_[j] = a * ipow(u[j], t.p) * v[j];
    if (t.d) {
      Vector& s = w_;  // u^q is no longer needed
      s.setZero();
      t.d->apply_transpose_add(1.0, tmp_.data(), s.data());
      for (int j = 0; j < n_; ++j) out[j] += t.q * ipow(u[j], t.q - 1) * s[j];
    } else {
      for (int j = 0; j < n_; ++j) out[j] += t.q * ipow(u[j], t.q - 1) * tmp_[j];
    }
  }
  if (linear_) linear_->apply_transpose_add(1.0, v, out);
}

void KnownTerms::jvp(const double* u, const Matrix& U, Matrix& out) const {
  out.setZero();
  const Eigen::Map<const Vector> uu(u, n_);
  for (const Product& t : products_) {
    const double a = t.c;
    if (t.advection()) {
      // a (U .* D u + u .* D U), with D u and u broadcast along the columns
      t.d->apply(u, du_.data());
      block_.setZero(U.rows(), U.cols());
      t.d->apply_add_block(1.0, U, block_);
      out.array() += a * (U.array().colwise() * du_.array() + block_.array().colwise() * uu.array());
      continue;
    }
    // a p u^(p-1) D(u^q) .* U + a u^p .* D(q u^(q-1) .* U)
    const double* dw = inner(t, u);
    for (int j = 0; j < n_; ++j) {
      tmp_[j] = t.p > 0 ? a * t.p * ipow(u[j], t.p - 1) * dw[j] : 0.0;  // first factor
      w_[j] = t.q * ipow(u[j], t.q - 1);                                // inner chain rule
    }
    out.array() += U.array().colwise() * tmp_.array();
    block2_ = U.array().colwise() * w_.array();
    if (t.d) {
      block_.setZero(U.rows(), U.cols());
      t.d->apply_add_block(1.0, block2_, block_);
    } else {
      block_ = block2_;
    }
    for (int j = 0; j < n_; ++j) tmp_[j] = a * ipow(u[j], t.p);
    out.array() += block_.array().colwise() * tmp_.array();
  }
  if (linear_) linear_->apply_add_block(1.0, U, out);
}

double KnownTerms::stability_bound(const Matrix& states) const {
  double bound = 0.0;
  for (const Product& t : products_) {
    double amplitude = 0.0, slope = 0.0;
    for (long c = 0; c < states.cols(); ++c) {
      const double* dw = t.advection() ? (t.d->apply(states.col(c).data(), du_.data()), du_.data())
                                       : inner(t, states.col(c).data());
      amplitude = std::max(amplitude, states.col(c).cwiseAbs().maxCoeff());
      slope = std::max(slope, Eigen::Map<const Vector>(dw, n_).cwiseAbs().maxCoeff());
    }
    const double rho = t.d ? spectral_radius(t.d->stencil(), n_) : 1.0;
    if (t.advection()) {
      bound += std::abs(t.c) * (slope + amplitude * rho);
      continue;
    }
    const double first = t.p > 0 ? t.p * ipow(amplitude, t.p - 1) * slope : 0.0;
    bound += std::abs(t.c) * (first + ipow(amplitude, t.p) * rho * t.q * ipow(amplitude, t.q - 1));
  }
  if (linear_) bound += spectral_radius(linear_->stencil(), n_);
  return bound;
}

}  // namespace npde
