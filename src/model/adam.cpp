#include "model/adam.hpp"

#include <cmath>

namespace npde {

void Adam::step(Eigen::VectorXd& theta, const Eigen::VectorXd& grad) {
  ++t_;
  beta1_power_ *= s_.beta1;
  beta2_power_ *= s_.beta2;
  const double c1 = 1.0 - beta1_power_, c2 = 1.0 - beta2_power_;
  m_ = s_.beta1 * m_ + (1.0 - s_.beta1) * grad;
  v_ = s_.beta2 * v_ + (1.0 - s_.beta2) * grad.cwiseProduct(grad);
  theta.array() -= s_.learning_rate * (m_.array() / c1) / ((v_.array() / c2).sqrt() + s_.eps);
}

}  // namespace npde
