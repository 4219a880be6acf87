#pragma once
// The NeuralPDE right-hand side f(u; theta) = known(u) + NN(u; theta).
//
// For training, the forward pass records every stage's input and hidden activations on a tape
// (one column per stage of the stepper), the reverse pass reads them back and records each stage's layer
// deltas; the parameter gradient is then one matrix product per layer over all stages. The
// tape is sized once, so neither pass allocates.
#include "model/known_terms.hpp"
#include "model/network.hpp"

namespace npde {

class NeuralRhs {
 public:
  NeuralRhs(KnownTerms known, Network network);

  const Network& network() const { return net_; }
  const KnownTerms& known() const { return known_; }
  int size() const { return net_.input_size(); }

  void reserve_tape(long stages);

  // The network parameters every following call uses (copied, with a column-major copy of
  // each MLP weight matrix for the faster products).
  void set_parameters(const Vector& theta);

  // k = f(y); with tape >= 0 records y and its activations in that column.
  void eval(long tape, const Vector& y, Vector& k);
  // ybar = f'(y)^T kbar at the stage recorded in column `tape`; records that stage's deltas.
  void vjp(long tape, const Vector& kbar, Vector& ybar);
  // grad += dL/dtheta collected from tape columns [0, stages).
  void accumulate_parameter_gradient(long stages, Vector& grad) const;

  // k = f(y) and K = f'(y) Y for a block of directions (the Jacobian of the network and terms).
  void tangent(const Vector& y, Vector& k, const Matrix& Y, Matrix& K);

  // Hidden activations of the last untaped eval (for saturation measures).
  const Vector& last_hidden() const { return hidden_; }

 private:
  const Vector* weights_t() const { return theta_t_.size() ? &theta_t_ : nullptr; }
  KnownTerms known_;
  Network net_;
  Vector theta_, theta_t_;  // parameters, and the same reordered for the faster products
  Matrix X_, H_, D_;  // tape: stage inputs, hidden activations, deltas (one column per stage)
  Vector hidden_, net_out_;
  Matrix jvp_work1_, jvp_work2_, net_jvp_;
};

}  // namespace npde
