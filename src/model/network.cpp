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

}  // namespace npde
