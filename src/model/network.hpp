#pragma once
// The closure network of a NeuralPDE, of any kind (network.kind): a dense MLP over the whole
// state (model/mlp.hpp) or a periodic 1-D CNN (model/cnn.hpp). Every kind implements one
// interface, checked below (kImplementsNetwork): sizes, Glorot initial weights, prepared
// weights, forward, input VJP recording layer deltas, parameter gradient over recorded columns,
// block JVP. This class forwards each call to the one it holds, so NeuralRhs, training and the
// analysis do not ask which. A kind is one alternative here and one entry of
// pipeline/network_kinds.cpp (its keys, factory, seed basis, size, checks).
#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "model/cnn.hpp"
#include "model/mlp.hpp"

namespace npde {

enum class NetworkKind { mlp, cnn };

// The interface a kind N implements, as member signatures (a default argument aside).
template <class N>
constexpr bool kImplementsNetwork =
    std::is_same_v<decltype(&N::parameter_count), long (N::*)() const> &&
    std::is_same_v<decltype(&N::input_size), int (N::*)() const> &&
    std::is_same_v<decltype(&N::output_size), int (N::*)() const> &&
    std::is_same_v<decltype(&N::hidden_total), int (N::*)() const> &&  // hidden values a forward records
    std::is_same_v<decltype(&N::delta_total), int (N::*)() const> &&   // deltas an input VJP records
    std::is_same_v<decltype(&N::max_hidden_width), int (N::*)() const> &&  // rows of the JVP's work
    std::is_same_v<decltype(&N::glorot_uniform), Vector (N::*)(std::uint64_t) const> &&
    std::is_same_v<decltype(&N::prepared_weights), Vector (N::*)(const Vector&) const> &&
    std::is_same_v<decltype(&N::forward),
                   void (N::*)(const Vector&, const double*, double*, double*, const Vector*) const> &&
    std::is_same_v<decltype(&N::vjp_input), void (N::*)(const Vector&, const double*, const double*, double*,
                                                         double*, const Vector*) const> &&
    std::is_same_v<decltype(&N::accumulate_parameter_gradient),
                   void (N::*)(const Matrix&, const Matrix&, const Matrix&, long, Vector&) const> &&
    std::is_same_v<decltype(&N::jvp), void (N::*)(const Vector&, const double*, const Matrix&, Matrix&, Matrix&,
                                                   Matrix&, const Vector*) const>;
static_assert(kImplementsNetwork<Mlp> && kImplementsNetwork<Cnn>, "a network kind misses part of the interface");

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
  // matrices, a CNN's per-tap matrices.
  Vector prepared_weights(const Vector& theta) const {
    return call([&](const auto& n) { return n.prepared_weights(theta); });
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
