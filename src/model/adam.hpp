#pragma once
// Adam (Kingma & Ba) exactly as docs/science.md states: bias-corrected moments, eps added after the
// square root.
#include <Eigen/Dense>

namespace npde {

struct AdamSettings {
  double learning_rate = 0.01;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
};

class Adam {
 public:
  Adam(long parameters, AdamSettings s) : s_(s), m_(Eigen::VectorXd::Zero(parameters)), v_(m_) {}
  void step(Eigen::VectorXd& theta, const Eigen::VectorXd& grad);

 private:
  AdamSettings s_;
  Eigen::VectorXd m_, v_;
  long t_ = 0;
  double beta1_power_ = 1.0, beta2_power_ = 1.0;
};

}  // namespace npde
