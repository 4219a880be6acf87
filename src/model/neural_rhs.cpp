#include "model/neural_rhs.hpp"

#include <stdexcept>

namespace npde {

NeuralRhs::NeuralRhs(KnownTerms known, Network network)
    : known_(std::move(known)), net_(std::move(network)), hidden_(net_.hidden_total()), net_out_(net_.output_size()) {
  if (known_.size() != net_.input_size() || net_.input_size() != net_.output_size())
    throw std::invalid_argument("network input and output width must equal the grid size");
}

void NeuralRhs::reserve_tape(long stages) {
  if (stages <= X_.cols()) return;
  X_.resize(net_.input_size(), stages);
  H_.resize(net_.hidden_total(), stages);
  D_.resize(net_.delta_total(), stages);
}

void NeuralRhs::set_parameters(const Vector& theta) {
  if (theta.size() != net_.parameter_count()) throw std::invalid_argument("parameter vector has the wrong length");
  theta_ = theta;
  theta_t_ = net_.prepared_weights(theta);
}

void NeuralRhs::eval(long tape, const Vector& y, Vector& k) {
  double* hidden = hidden_.data();
  if (tape >= 0) {
    if (tape >= X_.cols()) throw std::logic_error("NeuralRhs tape too small");
    X_.col(tape) = y;
    hidden = H_.col(tape).data();
  }
  net_.forward(theta_, y.data(), hidden, k.data(), weights_t());
  known_.eval_add(y.data(), k.data());
}

void NeuralRhs::vjp(long tape, const Vector& kbar, Vector& ybar) {
  net_.vjp_input(theta_, H_.col(tape).data(), kbar.data(), D_.col(tape).data(), ybar.data(), weights_t());
  known_.vjp_add(X_.col(tape).data(), kbar.data(), ybar.data());
}

void NeuralRhs::accumulate_parameter_gradient(long stages, Vector& grad) const {
  net_.accumulate_parameter_gradient(X_, H_, D_, stages, grad);
}

void NeuralRhs::tangent(const Vector& y, Vector& k, const Matrix& Y, Matrix& K) {
  const long m = Y.cols();
  if (jvp_work1_.cols() < m) {
    jvp_work1_.resize(net_.max_hidden_width(), m);
    jvp_work2_.resize(net_.max_hidden_width(), m);
  }
  net_.forward(theta_, y.data(), hidden_.data(), k.data(), weights_t());
  known_.eval_add(y.data(), k.data());
  net_jvp_.resize(net_.output_size(), m);
  net_.jvp(theta_, hidden_.data(), Y, net_jvp_, jvp_work1_, jvp_work2_, weights_t());
  known_.jvp(y.data(), Y, K);
  K += net_jvp_;
}

}  // namespace npde
