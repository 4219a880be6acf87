#include "pipeline/stencil_detection.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "model/known_terms.hpp"
#include "numerics/fornberg.hpp"
#include "numerics/stencil.hpp"
#include "pipeline/closure_fit.hpp"
#include "numerics/dormand_prince.hpp"

namespace npde {

Eigen::MatrixXd time_derivative(const Eigen::MatrixXd& states, double dt, int m) {
  const long steps = states.cols() - 1;
  if (m < 1 || 2 * m > steps) throw std::invalid_argument("a time difference of order 2m needs 2m + 1 states");
  std::vector<double> offsets;
  for (int k = -m; k <= m; ++k) offsets.push_back(k);
  const std::vector<double> w = fornberg_weights(1, offsets);
  Eigen::MatrixXd d = Eigen::MatrixXd::Zero(states.rows(), steps + 1 - 2 * m);
  for (long n = m; n <= steps - m; ++n)
    for (int k = -m; k <= m; ++k)
      if (w[static_cast<size_t>(k + m)] != 0) d.col(n - m) += (w[static_cast<size_t>(k + m)] / dt) * states.col(n + k);
  return d;
}

namespace {

// T_S at each state: the sum over the case's varied terms of S's leading Taylor term,
// tau dx^(k'-k) c u^p D_k'(u^q) with D exact; empty for a stencil without one (spectral).
Eigen::MatrixXd truncation_values(const PdeSettings& pde, const std::string& stencil, const Eigen::MatrixXd& states) {
  Eigen::MatrixXd sum;
  if (stencil == "spectral") return sum;
  for (const CaseTerm& t : pde.pde_case->terms) {
    if (t.role != StencilRole::Varied || t.derivative == 0) continue;
    const std::vector<TaylorTerm> lead = truncation_terms(stencil, t.derivative, 1);
    if (lead.empty()) continue;
    const Eigen::MatrixXd v = exact_term_values(pde, t, states, lead[0].order,
                                                lead[0].coefficient * std::pow(pde.dx(), lead[0].order - t.derivative));
    if (sum.size())
      sum += v;
    else
      sum = v;
  }
  return sum;
}

}  // namespace

StencilDetection detect_stencil(const PdeSettings& pde, const std::vector<Eigen::MatrixXd>& trajectories, double dt) {
  if (trajectories.empty()) throw std::invalid_argument("no trajectories");
  if (!pde.pde_case || !pde.pde_case->uses(StencilRole::Varied))
    throw std::invalid_argument("the case '" + pde.name + "' has no term whose stencil varies: no stencil shows in its data");
  if (pde.resolution > kMaxIdentifyPoints)
    throw std::invalid_argument(fmt::format(
        "{} grid points: identify takes at most {} (its flow test costs about N^3: 8192 points took a minute on a "
        "2-core machine, {} would take hours)",
        pde.resolution, kMaxIdentifyPoints, pde.resolution));
  long shortest = trajectories[0].cols() - 1;
  for (const Eigen::MatrixXd& t : trajectories) {
    if (t.rows() != pde.resolution)
      throw std::invalid_argument("a trajectory has " + std::to_string(t.rows()) + " grid points, the case " +
                                  std::to_string(pde.resolution));
    if (!t.allFinite()) throw std::invalid_argument("a trajectory has non-finite values");
    // Squared norms of the states and their differences must not overflow (every share below is
    // a ratio of them): |u| up to 1e150 leaves room for a grid of 1e8 points.
    if (const double largest = t.cwiseAbs().maxCoeff(); largest > kLargestValue)
      throw std::invalid_argument(fmt::format("values as large as {:.3g} (more than {:.0e}): the shares identify "
                                              "computes overflow; scale the data",
                                              largest, kLargestValue));
    shortest = std::min<long>(shortest, t.cols() - 1);
  }
  if (shortest < 2) throw std::invalid_argument("trajectories need at least 3 output steps");
  {
    double moved = 0;  // the flow shares below divide by how far the states move in one step
    for (const Eigen::MatrixXd& t : trajectories)
      moved += (t.rightCols(t.cols() - 1) - t.leftCols(t.cols() - 1)).squaredNorm();
    if (!(moved > 0))
      throw std::invalid_argument(
          "the data do not change in time: every state equals the one before (or differs by less than about 1e-154, "
          "whose square underflows: scale the data)");
  }
  StencilDetection out;
  const int m = static_cast<int>(std::min<long>(4, shortest / 2));
  out.derivative_order = 2 * m;

  // du/dt at the interior steps of every trajectory, and the states there.
  Eigen::MatrixXd ut, lower, states;
  for (const Eigen::MatrixXd& t : trajectories) {
    const long inner = t.cols() - 2 * m;
    const Eigen::MatrixXd d = time_derivative(t, dt, m);
    ut.conservativeResize(t.rows(), ut.cols() + inner);
    ut.rightCols(inner) = d;
    states.conservativeResize(t.rows(), states.cols() + inner);
    states.rightCols(inner) = t.middleCols(m, inner);
    if (m > 1) {  // the order below, at the same steps
      const Eigen::MatrixXd l = time_derivative(t, dt, m - 1).middleCols(1, inner);
      lower.conservativeResize(t.rows(), lower.cols() + inner);
      lower.rightCols(inner) = l;
    }
  }
  out.states = states.cols();
  const double norm2 = ut.squaredNorm();
  if (!(norm2 > 0)) throw std::invalid_argument("the data do not change in time: du/dt = 0");
  out.floor = m > 1 ? (ut - lower).squaredNorm() / norm2 : 1.0;

  // The departure from the exact right-hand side, which the candidates' truncation terms fit.
  Eigen::MatrixXd departure = ut;
  {
    const KnownTerms exact = make_truth_terms(pde, "spectral");
    Eigen::VectorXd f(states.rows());
    for (long c = 0; c < states.cols(); ++c) {
      exact.eval(states.col(c).data(), f.data());
      departure.col(c) -= f;
    }
  }
  out.departure = departure.squaredNorm() / norm2;

  // The semi-discrete flow: adaptive Dormand-Prince 5(4) at the truth's default tolerances, with
  // a work limit (a stable candidate needs far fewer steps; an unstable one is rejected anyway).
  AdaptiveOptions flow;
  flow.max_steps = kFlowMaxSteps;
  for (const std::string& name : stencil_names()) {
    KnownTerms f;
    try {
      f = make_truth_terms(pde, name);
    } catch (const std::invalid_argument&) {
      continue;  // not defined for this derivative, or wider than the grid
    }
    Eigen::MatrixXd rhs(states.rows(), states.cols());
    for (long c = 0; c < states.cols(); ++c) f.eval(states.col(c).data(), rhs.col(c).data());
    const TermFit fit = least_squares_fit(ut, {rhs});
    const auto f_of = [&f](const Eigen::VectorXd& y, Eigen::VectorXd& k) { f.eval(y.data(), k.data()); };
    const RhsFunction rhs_function = f_of;
    // One output step from every state of every trajectory (at most kFlowStates of each, evenly
    // spaced: enough evidence, at a bounded cost on long stiff trajectories).
    double missed = 0, moved = 0;
    for (const Eigen::MatrixXd& t : trajectories)
      for (long k = 0, steps = t.cols() - 1, used = std::min<long>(steps, kFlowStates); k < used && std::isfinite(missed); ++k) {
        const long n = k * steps / used;
        Eigen::VectorXd u = t.col(n);
        AdaptiveStats stats;
        try {
          integrate_dopri5(rhs_function, 0.0, dt, u, flow, stats);
          missed += u.allFinite() ? (u - t.col(n + 1)).squaredNorm() : INFINITY;
        } catch (const std::runtime_error&) {  // an unstable candidate: it overflows, or needs too many steps
          missed = INFINITY;
        }
        moved += (t.col(n + 1) - t.col(n)).squaredNorm();
      }
    StencilEvidence e{name, fit.residual_share, fit.coefficients.size() ? fit.coefficients[0] : NAN,
                      moved > 0 ? missed / moved : NAN, NAN, NAN, NAN};
    const Eigen::MatrixXd taylor = truncation_values(pde, name, states);
    if (taylor.size()) {
      const TermFit t = least_squares_fit(departure, {taylor});
      e.truncation_share = t.coefficients[0];
      e.truncation_error = t.standard_errors[0];
      e.truncation_residual = t.residual_share;
    }
    out.candidates.push_back(e);
  }
  if (out.candidates.empty()) throw std::invalid_argument("no stencil of the catalogue fits this grid");
  // A strict weak ordering even with NaN shares (which std::sort must never see in a plain
  // comparison): NaN after every number, then by name.
  std::sort(out.candidates.begin(), out.candidates.end(), [](const StencilEvidence& a, const StencilEvidence& b) {
    const bool a_nan = std::isnan(a.flow_share), b_nan = std::isnan(b.flow_share);
    if (a_nan != b_nan) return b_nan;
    if (!a_nan && a.flow_share != b.flow_share) return a.flow_share < b.flow_share;
    return a.stencil < b.stencil;
  });
  if (std::isnan(out.candidates[0].flow_share))
    throw std::invalid_argument("no candidate's flow could be compared with the data (the data do not move)");
  const StencilEvidence& best = out.candidates[0];
  out.best = best.stencil;
  if (best.flow_share > kNoFitShare) {
    out.none_fits = true;
    out.undecided = "no candidate made these data: the nearest, " + best.stencil + ", misses a share " +
                    fmt::format("{:.3g}", best.flow_share) +
                    " of each step's motion (data corrected or filtered after the solve, another solver, or noise "
                    "as large as a step's motion)";
    return out;
  }
  for (size_t k = 1; k < out.candidates.size(); ++k)
    if (!(out.candidates[k].flow_share > kSeparation * best.flow_share)) out.tied.push_back(out.candidates[k].stencil);
  if (out.tied.empty()) {
    out.named = best.stencil;
    return out;
  }
  // Every candidate within the factor, not only the runner-up: the data's own stencil may be any
  // of them (noise makes their order arbitrary).
  std::string names = best.stencil, shares = fmt::format("{:.3g}", best.flow_share);
  for (size_t k = 0; k < out.tied.size(); ++k) {
    names += (k + 1 == out.tied.size() ? " and " : ", ") + out.tied[k];
    shares += (k + 1 == out.tied.size() ? " and " : ", ") + fmt::format("{:.3g}", out.candidates[k + 1].flow_share);
  }
  out.undecided = names + " land about equally far from the data (flow shares " + shares + ")";
  return out;
}

}  // namespace npde
