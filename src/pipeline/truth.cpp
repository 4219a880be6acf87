#include "pipeline/truth.hpp"

#include <stdexcept>

#include "numerics/dormand_prince.hpp"
#include "numerics/time_stepper.hpp"

namespace npde {

TruthTrajectory generate_truth(const KnownTerms& terms, const Eigen::VectorXd& u0, double dt, int steps,
                               const IntegratorSettings& settings, int substeps, double blowup_bound,
                               const Cancellation& cancel) {
  TruthTrajectory out;
  const int n = static_cast<int>(u0.size());
  out.states.resize(n, steps + 1);
  out.states.col(0) = u0;
  Eigen::VectorXd u = u0;
  auto rhs = [&](const Eigen::VectorXd& y, Eigen::VectorXd& k) { terms.eval(y.data(), k.data()); };
  auto check = [&](int s) {
    cancel.check();
    if (!u.allFinite() || u.cwiseAbs().maxCoeff() > blowup_bound)
      throw std::runtime_error("truth blew up at output step " + std::to_string(s) + " (max|u| = " +
                               std::to_string(u.cwiseAbs().maxCoeff()) + ")");
  };
  try {
    if (settings.adaptive_truth()) {
      AdaptiveOptions opt;
      opt.rtol = settings.truth_rtol;
      opt.atol = settings.truth_atol;
      AdaptiveStats stats;
      for (int s = 1; s <= steps; ++s) {
        integrate_dopri5(rhs, (s - 1) * dt, s * dt, u, opt, stats);
        check(s);
        out.states.col(s) = u;
      }
      out.accepted_steps = stats.accepted;
      out.rejected_steps = stats.rejected;
    } else {
      const SplitTerms split = split_for_stepper(terms, *settings.truth);
      TimeStepper stepper(split.stepping, n, dt / substeps);
      auto staged = [&](int, const Eigen::VectorXd& y, Eigen::VectorXd& k) { split.stages.eval(y.data(), k.data()); };
      for (int s = 1; s <= steps; ++s) {
        for (int j = 0; j < substeps; ++j) stepper.step(staged, u);
        check(s);
        out.states.col(s) = u;
      }
    }
  } catch (const std::runtime_error& e) {
    out.ok = false;
    out.message = e.what();
  }
  return out;
}

}  // namespace npde
