#include "pipeline/truth.hpp"

#include <stdexcept>

#include "model/pde_case.hpp"
#include "numerics/dormand_prince.hpp"
#include "numerics/stencil.hpp"
#include "pipeline/initial_condition.hpp"
#include "pipeline/substeps.hpp"
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

int richardson_order(const ExperimentSpec& spec) {
  if (spec.train_stencil == "spectral") return 0;
  int p = 0;
  for (const CaseTerm& t : spec.pde.pde_case->terms) {
    if (t.role != StencilRole::Varied || t.derivative == 0) continue;
    const std::vector<TaylorTerm> lead = truncation_terms(spec.train_stencil, t.derivative, 1);
    if (lead.empty()) continue;
    const int order = lead.front().order - t.derivative;
    p = p == 0 ? order : std::min(p, order);
  }
  return p;
}

TruthTrajectory richardson_truth(const ExperimentSpec& spec, const InitialCondition& ic, TruthTrajectory coarse,
                                 double blowup_bound, const Cancellation& cancel) {
  const int p = richardson_order(spec);
  if (!coarse.ok || p <= 0) return coarse;
  ExperimentSpec fine_spec = spec;
  fine_spec.pde.resolution = 2 * spec.pde.resolution;
  const KnownTerms fine_terms = make_truth_terms(fine_spec.pde, spec.train_stencil);
  const Eigen::VectorXd u0 = sample_initial_condition(ic, fine_spec.pde.resolution, spec.pde.length);
  const int substeps = spec.integrator.adaptive_truth() ? 0 : truth_data_substeps(fine_spec, fine_terms, u0);
  TruthTrajectory fine = generate_truth(fine_terms, u0, spec.dt, spec.steps, spec.integrator, substeps, blowup_bound,
                                        cancel);
  if (!fine.ok) {
    fine.message = "on the refined grid (N = " + std::to_string(fine_spec.pde.resolution) + ", for the Richardson " +
                   "correction): " + fine.message;
    return fine;
  }
  const double f = std::ldexp(1.0, p);  // 2^p
  const long n = spec.pde.resolution;
  // x_j = j L / N is point 2j of the fine grid.
  const auto on_coarse_grid = Eigen::Map<const Eigen::MatrixXd, 0, Eigen::Stride<Eigen::Dynamic, 2>>(
      fine.states.data(), n, fine.states.cols(), Eigen::Stride<Eigen::Dynamic, 2>(fine.states.rows(), 2));
  coarse.states = (f * on_coarse_grid - coarse.states) / (f - 1.0);
  coarse.refined_accepted_steps = fine.accepted_steps;
  coarse.refined_rejected_steps = fine.rejected_steps;
  return coarse;
}

}  // namespace npde
