#include "model/network.hpp"

namespace npde {

std::vector<int> Network::widths() const {
  if (const Cnn* c = cnn()) return c->channels();
  return mlp()->widths();
}

std::string Network::layout() const {
  const std::vector<int> w = widths();
  std::string s;
  if (const Cnn* c = cnn()) {
    const std::string k = std::to_string(c->kernel());
    s = "periodic convolution, kernel width " + k + " (tap k reads the point k - " + std::to_string(c->kernel() / 2) +
        " away): ";
    for (size_t l = 0; l + 1 < w.size(); ++l)
      s += (l ? ", " : "") + std::string("W") + std::to_string(l + 1) + " (" + std::to_string(w[l + 1]) + " x " +
           std::to_string(w[l]) + " x " + k + ", row-major: output channel, input channel, tap), b" +
           std::to_string(l + 1) + " (" + std::to_string(w[l + 1]) + ")";
    return s;
  }
  for (size_t l = 0; l + 1 < w.size(); ++l)
    s += (l ? ", " : "") + std::string("W") + std::to_string(l + 1) + " (" + std::to_string(w[l + 1]) + " x " +
         std::to_string(w[l]) + ", row-major), b" + std::to_string(l + 1) + " (" + std::to_string(w[l + 1]) + ")";
  return s;
}

std::string Network::describe() const {
  std::string s = kind() == NetworkKind::cnn ? "cnn " : "mlp ";
  const std::vector<int> w = widths();
  for (size_t l = 0; l < w.size(); ++l) s += (l ? " -> " : "") + std::to_string(w[l]);
  if (const Cnn* c = cnn()) s += " channels, kernel " + std::to_string(c->kernel());
  return s + ", " + std::to_string(parameter_count()) + " parameters";
}

Vector Network::transposed_weights(const Vector& theta) const {
  if (const Mlp* m = mlp()) return m->transposed_weights(theta);
  return cnn()->tap_weights(theta);
}

void Network::forward(const Vector& theta, const double* x, double* hidden, double* y, const Vector* theta_t) const {
  if (const Mlp* m = mlp())
    m->forward(theta, x, hidden, y, theta_t);
  else
    cnn()->forward(theta, x, hidden, y, theta_t);
}

void Network::vjp_input(const Vector& theta, const double* hidden, const double* ybar, double* delta, double* xbar,
                        const Vector* theta_t) const {
  if (const Mlp* m = mlp())
    m->vjp_input(theta, hidden, ybar, delta, xbar, theta_t);
  else
    cnn()->vjp_input(theta, hidden, ybar, delta, xbar, theta_t);
}

void Network::jvp(const Vector& theta, const double* hidden, const Matrix& Xdot, Matrix& Ydot, Matrix& work1,
                  Matrix& work2, const Vector* theta_t) const {
  if (const Mlp* m = mlp())
    m->jvp(theta, hidden, Xdot, Ydot, work1, work2);
  else
    cnn()->jvp(theta, hidden, Xdot, Ydot, work1, work2, theta_t);
}

}  // namespace npde
