#include "cli/summary.hpp"

#include <cmath>
#include <cstdio>

#include "pipeline/substeps.hpp"
#include "pipeline/truth.hpp"

namespace npde::cli {
namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// ||NN - c|| / ||c||: undefined where the closure c is zero on every state (a uniform field).
std::string closure_ratio(double v) { return std::isnan(v) ? "undefined (c = 0)" : fmt("%.3g", v); }

}  // namespace

void print_summary(std::ostream& os, const ExperimentSpec& spec, const std::string& hash, const ExperimentResult& r) {
  os << "== " << spec.name << "  [" << hash << "]\n";
  os << "truth:  " << r.truth_formula << "\nmodel:  " << r.model_formula << "\n";
  os << "grid N=" << spec.pde.resolution << ", dt=" << spec.dt << ", steps=" << spec.steps << "; substeps model "
     << r.substeps_model << " (" << spec.integrator.model.name() << "), truth map " << r.substeps_truth << " ("
     << truth_map_stepper(spec).name() << ")" << (spec.integrator.substeps > 0 ? " (fixed)" : " (auto)")
     << "\n";
  if (spec.integrator.truth_correction == TruthCorrection::richardson) {
    const int p = richardson_order(spec);
    os << "truth data: Richardson-corrected"
       << (p > 0 ? " (solved again at N=" + std::to_string(2 * spec.pde.resolution) + ", cancelling the O(dx^" +
                       std::to_string(p) + ") error)"
                 : std::string(" asked, not applied (the training stencil has no truncation error)"))
       << "\n";
  }
  os << "network: " << spec.network().describe() << "\n";
  os << "status: " << status_name(r.status) << (r.message.empty() ? "" : " (" + r.message + ")") << "\n";
  const auto& h = r.history;
  if (h.epochs_run > 0)
    os << "training: " << h.epochs_run << " epochs (" << name_of(spec.training.mode) << "), final loss "
       << fmt("%.4e", h.epoch_loss.back()) << ", " << fmt("%.3f", r.training_seconds) << " s\n";
  else
    os << "training: none (0 epochs)\n";
  if (r.status != CellStatus::done) return;

  os << "rollout relative L2 error at T=" << spec.steps * spec.dt << ":\n";
  for (size_t t = 0; t < spec.test_ics.size(); ++t) {
    os << "  " << spec.test_ics[t].label() << ": " << fmt("%.4e", r.rollout_error(t, spec.steps));
    if (r.rollout_diverged_at[t] >= 0) os << "  (blew up at step " << r.rollout_diverged_at[t] << ")";
    os << "\n";
  }
  os << "max|lambda| of "
     << (spec.one_shot() ? "d u(T)/d u(0)" : "d u_{n+1}/d u_n at state n") << "  (model / truth / known terms only):\n";
  for (size_t t = 0; t < spec.test_ics.size(); ++t) {
    os << "  " << spec.test_ics[t].label() << ":";
    for (size_t s = 0; s < r.jacobian_states.size(); ++s) {
      os << (spec.one_shot() ? "" : "  n=" + std::to_string(r.jacobian_states[s])) << " "
         << fmt("%.3f", r.model.radius(t, s)) << "/" << fmt("%.3f", r.truth.radius(t, s)) << "/"
         << fmt("%.3f", r.known_only.radius(t, s));
    }
    os << "\n";
  }
  os << "saturation (|tanh'| < 1e-3 on the training rollout): " << fmt("%.3f", r.saturation) << "\n";
  os << "closure ||NN - c|| / ||c|| on the training window's truth states, c = discrete closure / physics term:\n";
  for (long i = 0; i < r.closure_error_discrete.size(); ++i)
    os << "  " << (i == 0 ? spec.train_ic.label() + " (training)" : spec.test_ics[i - 1].label()) << ": "
       << closure_ratio(r.closure_error_discrete[i]) << " / " << closure_ratio(r.closure_error_physics[i]) << "\n";
  const ClosureFit& f = r.closure_fit;
  if (f.coefficient.rows() == static_cast<long>(spec.pde.pde_case->terms.size())) {
    os << "closure fit of NN(u) on the training window (discrete alpha; physics beta, truncation gamma / Taylor tau), "
          "unexplained share "
       << fmt("%.3g", f.residual_share[0]) << " / " << fmt("%.3g", f.residual_share[1]) << ":\n";
    const char* fit_names[2] = {"discrete", "physics"};
    for (int which = 0; which < 2; ++which)
      if (!f.undetermined[which].empty())
        os << "  " << fit_names[which] << " fit not determined: " << f.undetermined[which] << "\n";
    auto coefficient = [&](long i, int c) {
      return fmt("%.4g", f.coefficient(i, c)) + " +- " + fmt("%.2g", f.standard_error(i, c));
    };
    for (long i = 0; i < f.coefficient.rows(); ++i) {
      if (std::isnan(f.coefficient(i, kFitDiscrete)) && std::isnan(f.coefficient(i, kFitPhysics)) &&
          std::isnan(f.coefficient(i, kFitTruncation)))
        continue;
      os << "  " << spec.pde.pde_case->terms[static_cast<size_t>(i)].name << ": alpha " << coefficient(i, kFitDiscrete);
      if (!std::isnan(f.coefficient(i, kFitPhysics))) os << "; beta " << coefficient(i, kFitPhysics);
      if (!std::isnan(f.taylor[i]))
        os << "; gamma " << coefficient(i, kFitTruncation) << " / tau " << fmt("%.4g", f.taylor[i]) << " = "
           << fmt("%.3g", f.truncation_share[i]);
      os << "\n";
    }
  }
  os << "time: truth " << fmt("%.3f", r.truth_seconds) << " s, training " << fmt("%.3f", r.training_seconds)
     << " s, analysis " << fmt("%.3f", r.analysis_seconds) << " s\n";
}

}  // namespace npde::cli
