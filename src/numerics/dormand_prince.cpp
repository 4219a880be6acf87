#include "numerics/dormand_prince.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "numerics/runge_kutta.hpp"

namespace npde {

void integrate_dopri5(const RhsFunction& f, double t0, double t1, Eigen::VectorXd& y, const AdaptiveOptions& opt,
                      AdaptiveStats& stats) {
  const ButcherTable& tab = dopri5_pair();  // the same tables as the fixed-step steppers
  const int n = static_cast<int>(y.size());
  Eigen::VectorXd k[7];
  for (auto& v : k) v.resize(n);
  Eigen::VectorXd stage(n), y5(n), err(n);

  double t = t0;
  double h = stats.last_step > 0 ? stats.last_step : opt.initial_step;
  f(y, k[0]);
  long steps = 0;
  while (t < t1) {
    if (++steps > opt.max_steps) throw std::runtime_error("adaptive integrator: too many steps");
    const bool last = t + h >= t1;
    const double hs = last ? t1 - t : h;
    for (int s = 1; s < 7; ++s) {
      stage = y;
      for (int j = 0; j < s; ++j)
        if (tab.a[s][j] != 0.0) stage += (hs * tab.a[s][j]) * k[j];
      f(stage, k[s]);
    }
    y5 = stage;  // stage 7 input is the 5th-order solution (FSAL)
    err.setZero();
    for (int s = 0; s < 7; ++s) err += (hs * (tab.weights[s] - tab.embedded[s])) * k[s];
    double norm = 0.0;
    for (int i = 0; i < n; ++i) {
      const double sc = opt.atol + opt.rtol * std::max(std::abs(y[i]), std::abs(y5[i]));
      norm += (err[i] / sc) * (err[i] / sc);
    }
    norm = std::sqrt(norm / n);
    if (!std::isfinite(norm)) {
      if (!y5.allFinite() && hs < 1e-14 * std::max(1.0, std::abs(t)))
        throw std::runtime_error("adaptive integrator: state is not finite at t = " + std::to_string(t));
      h = hs * 0.2;
      ++stats.rejected;
      continue;
    }
    const double factor = std::clamp(0.9 * std::pow(std::max(norm, 1e-10), -0.2), 0.2, 5.0);
    if (norm <= 1.0) {
      t = last ? t1 : t + hs;
      y = y5;
      k[0] = k[6];
      ++stats.accepted;
      if (!last) h = hs * factor;  // a clipped final step says nothing about the next one
    } else {
      ++stats.rejected;
      h = hs * std::min(1.0, factor);
    }
    if (h < 1e-14 * std::max(1.0, std::abs(t)))
      throw std::runtime_error("adaptive integrator: step size underflow at t = " + std::to_string(t));
  }
  stats.last_step = h;
}

}  // namespace npde
