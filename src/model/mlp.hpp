#pragma once
// Fully connected network with tanh hidden layers and a linear output layer.
//
// Parameters live in one flat vector, layer by layer: W (out x in, row-major), then b
// (docs/science.md, "The network and the optimiser"). The network never owns them, so training, Adam, finite-difference
// tests and result files all share the one vector.
//
// For reverse mode over many right-hand-side evaluations the per-evaluation work is split:
// `vjp_input` back-propagates one output cotangent to the input and records each layer's
// pre-activation cotangent (delta); `accumulate_parameter_gradient` later turns all recorded
// (activation, delta) columns into dW = sum_s delta_s a_s^T with one matrix product per layer.
#include <cstdint>
#include <vector>

#include <Eigen/Dense>

namespace npde {

using Vector = Eigen::VectorXd;
using Matrix = Eigen::MatrixXd;

struct LayerShape {
  int in = 0, out = 0;
  long weight_offset = 0, bias_offset = 0;  // into the flat parameter vector
  int activation_offset = 0;                // of this layer's input in the hidden-activation column
  int delta_offset = 0;                     // of this layer's delta in the delta column
};

class Mlp {
 public:
  Mlp() = default;
  // widths = {N, h1, ..., hk, N}
  explicit Mlp(std::vector<int> widths);

  const std::vector<int>& widths() const { return widths_; }
  const std::vector<LayerShape>& layers() const { return layers_; }
  long parameter_count() const { return parameter_count_; }
  int input_size() const { return widths_.front(); }
  int output_size() const { return widths_.back(); }
  int hidden_total() const { return hidden_total_; }  // sum of hidden widths
  int delta_total() const { return delta_total_; }    // sum of hidden widths + output width

  // Glorot (Xavier) uniform weights, zero biases, from a 64-bit seed (portable generator).
  Vector glorot_uniform(std::uint64_t seed) const;

  // The same parameters with every weight matrix stored column-major (biases untouched).
  // Passing it to forward/vjp_input lets each product use the faster memory order for its
  // shape; results are then identical run to run but may differ from the row-major-only path
  // in the last bits. (The network interface's prepared weights, model/network.hpp.)
  Vector prepared_weights(const Vector& theta) const;

  // y = net(x); `hidden` (hidden_total) receives the tanh activations of every hidden layer.
  void forward(const Vector& theta, const double* x, double* hidden, double* y,
               const Vector* theta_t = nullptr) const;

  // Given x, its recorded hidden activations and ybar = dL/dy: writes the deltas
  // (delta_total) and, if xbar is non-null, xbar = dL/dx.
  void vjp_input(const Vector& theta, const double* hidden, const double* ybar, double* delta, double* xbar,
                 const Vector* theta_t = nullptr) const;

  // grad += sum over columns s of dL/dtheta, from inputs X (N x S), hidden activations H and
  // deltas D recorded column by column.
  void accumulate_parameter_gradient(const Matrix& X, const Matrix& H, const Matrix& D, long columns,
                                     Vector& grad) const;

  // Ydot = net'(x) Xdot for a block of directions, given x's hidden activations.
  // work1 and work2 are scratch of at least (max hidden width) x directions. The block products
  // are fastest with the row-major weights, so theta_t (there for the Cnn's interface) is unused.
  void jvp(const Vector& theta, const double* hidden, const Matrix& Xdot, Matrix& Ydot, Matrix& work1,
           Matrix& work2, const Vector* theta_t = nullptr) const;

  // Largest hidden width, for sizing jvp scratch.
  int max_hidden_width() const;

 private:
  std::vector<int> widths_;
  std::vector<LayerShape> layers_;
  long parameter_count_ = 0;
  int hidden_total_ = 0;
  int delta_total_ = 0;
};

}  // namespace npde
