#pragma once
// Periodic 1-D convolutional network: translation-equivariant, as the stencils that make the
// data are. Channels 1 -> c_1 -> ... -> c_k -> 1, each layer a circular correlation with an
// odd kernel of width K = 2r + 1 plus a bias per output channel, tanh on the hidden layers and a
// linear output layer:
//
//   z_l[o, j] = b_l[o] + sum_i sum_{k=0}^{K-1} W_l[o, i, k] a_{l-1}[i, (j + k - r) mod N].
//
// Parameters live in one flat vector, layer by layer: W (c_out x c_in x K, row-major), then b
// (c_out). A layer's activations or deltas for all channels are one column of c * N values,
// channel fastest (a c x N column-major matrix), so that each tap k is one matrix product
// W_k (c_out x c_in) times the activations shifted by k - r points (two products: the shift
// wraps). The products read W_k from `taps`, a copy of the parameters with each tap's matrix
// contiguous (prepared_weights); without it a call makes one. The interface is otherwise the Mlp's
// (model/mlp.hpp), so NeuralRhs's tape, the training loop and the analysis use either through
// model/network.hpp. Given `taps`, nothing allocates. The block JVP is one matrix product per
// layer for all directions, over padded copies in its work matrices (cnn.cpp).
#include <cstdint>
#include <vector>

#include <Eigen/Dense>

namespace npde {

using Vector = Eigen::VectorXd;
using Matrix = Eigen::MatrixXd;

struct ConvLayer {
  int in = 0, out = 0;                      // channels
  long weight_offset = 0, bias_offset = 0;  // into the flat parameter vector
  int activation_offset = 0;                // of this layer's input in the hidden column (-1: the network input)
  int delta_offset = 0;                     // of this layer's delta in the delta column
};

class Cnn {
 public:
  Cnn() = default;
  // n grid points; hidden channels per hidden layer (may be empty: one linear convolution);
  // kernel width, odd, at most n.
  Cnn(int n, std::vector<int> hidden_channels, int kernel);

  int points() const { return n_; }
  int kernel() const { return kernel_; }
  // Channels per layer, input to output: {1, c_1, ..., c_k, 1}.
  const std::vector<int>& channels() const { return channels_; }
  const std::vector<ConvLayer>& layers() const { return layers_; }
  long parameter_count() const { return parameter_count_; }
  int input_size() const { return n_; }
  int output_size() const { return n_; }
  int hidden_total() const { return hidden_total_; }  // n * sum of hidden channels
  int delta_total() const { return delta_total_; }    // n * (sum of hidden channels + 1)
  int max_hidden_width() const;                       // rows of jvp scratch: (n + 2 r) * the most channels

  // Glorot uniform weights (fan-in c_in K, fan-out c_out K), zero biases, from a 64-bit seed.
  Vector glorot_uniform(std::uint64_t seed) const;

  // The parameters with each layer's weights reordered tap by tap: W_k (c_out x c_in,
  // column-major) for k = 0..K-1 where W (c_out x c_in x K, row-major) was; biases in place.
  // (The network interface's prepared weights, model/network.hpp.)
  Vector prepared_weights(const Vector& theta) const;

  void forward(const Vector& theta, const double* x, double* hidden, double* y, const Vector* taps = nullptr) const;
  void vjp_input(const Vector& theta, const double* hidden, const double* ybar, double* delta, double* xbar,
                 const Vector* taps = nullptr) const;
  void accumulate_parameter_gradient(const Matrix& X, const Matrix& H, const Matrix& D, long columns,
                                     Vector& grad) const;
  void jvp(const Vector& theta, const double* hidden, const Matrix& Xdot, Matrix& Ydot, Matrix& work1,
           Matrix& work2, const Vector* taps = nullptr) const;

 private:
  int n_ = 0, kernel_ = 1;
  std::vector<int> channels_;
  std::vector<ConvLayer> layers_;
  long parameter_count_ = 0;
  int hidden_total_ = 0;
  int delta_total_ = 0;
};

}  // namespace npde
