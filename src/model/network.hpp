#pragma once
// The closure network of a NeuralPDE, of either kind (network.kind): a dense MLP over the whole
// state (model/mlp.hpp) or a periodic 1-D CNN (model/cnn.hpp). Both have one interface (forward,
// input VJP recording layer deltas, parameter gradient over recorded columns, block JVP); this
// class forwards each call to the one it holds, so NeuralRhs, training and the analysis do not
// ask which.
#include <string>
#include <variant>
#include <vector>

#include "model/cnn.hpp"
#include "model/mlp.hpp"

namespace npde {

enum class NetworkKind { mlp, cnn };

class Network {
  std::variant<Mlp, Cnn> net_;
  template <class F>
  decltype(auto) call(F&& f) const {  // f applied to the network held
    return std::visit(std::forward<F>(f), net_);
  }

 public:
  Network() = default;
  Network(Mlp mlp) : net_(std::move(mlp)) {}  // NOLINT: implicit, a network of that kind
  Network(Cnn cnn) : net_(std::move(cnn)) {}  // NOLINT

  NetworkKind kind() const { return std::holds_alternative<Cnn>(net_) ? NetworkKind::cnn : NetworkKind::mlp; }
  const Mlp* mlp() const { return std::get_if<Mlp>(&net_); }
  const Cnn* cnn() const { return std::get_if<Cnn>(&net_); }

  long parameter_count() const { return call([](const auto& n) { return n.parameter_count(); }); }
  int input_size() const { return call([](const auto& n) { return n.input_size(); }); }
  int output_size() const { return call([](const auto& n) { return n.output_size(); }); }
  int hidden_total() const { return call([](const auto& n) { return n.hidden_total(); }); }
  int delta_total() const { return call([](const auto& n) { return n.delta_total(); }); }
  int max_hidden_width() const { return call([](const auto& n) { return n.max_hidden_width(); }); }
  Vector glorot_uniform(std::uint64_t seed) const {
    return call([seed](const auto& n) { return n.glorot_uniform(seed); });
  }

  // The result files' description of the parameters: `widths` (an MLP's layer widths, a CNN's
  // channels per layer, input to output) and `layout` (the flat vector's order in words).
  std::vector<int> widths() const;
  std::string layout() const;
  // One line for people: "mlp 100 -> 20 -> 20 -> 100, 4540 parameters" or
  // "cnn 1 -> 8 -> 8 -> 1 channels, kernel 5, 417 parameters".
  std::string describe() const;

  // The weights reordered for the faster products, passed back as theta_t: an MLP's column-major
  // matrices (Mlp::transposed_weights), a CNN's per-tap matrices (Cnn::tap_weights).
  Vector transposed_weights(const Vector& theta) const {
    return call([&](const auto& n) { return n.transposed_weights(theta); });
  }

  void forward(const Vector& theta, const double* x, double* hidden, double* y, const Vector* theta_t) const {
    call([&](const auto& n) { n.forward(theta, x, hidden, y, theta_t); });
  }
  void vjp_input(const Vector& theta, const double* hidden, const double* ybar, double* delta, double* xbar,
                 const Vector* theta_t) const {
    call([&](const auto& n) { n.vjp_input(theta, hidden, ybar, delta, xbar, theta_t); });
  }
  void accumulate_parameter_gradient(const Matrix& X, const Matrix& H, const Matrix& D, long columns,
                                     Vector& grad) const {
    call([&](const auto& n) { n.accumulate_parameter_gradient(X, H, D, columns, grad); });
  }
  void jvp(const Vector& theta, const double* hidden, const Matrix& Xdot, Matrix& Ydot, Matrix& work1,
           Matrix& work2, const Vector* theta_t = nullptr) const {
    call([&](const auto& n) { n.jvp(theta, hidden, Xdot, Ydot, work1, work2, theta_t); });
  }
};

}  // namespace npde
