#pragma once
// Which stencil made a dataset? From truth trajectories alone (no network, no training), the
// paper's third open question: a large PDE dataset may carry its solver's truncation error.
//
// The data are states u_0 .. u_S of the semi-discrete flow du/dt = f_S*(u) at output steps dt
// (S* the training stencil of the case's varied term, unknown). The detector
//   1. differentiates each trajectory in time: du/dt at the interior output steps by the central
//      difference of order 2m (m = 4, fewer for short trajectories), and estimates that
//      derivative's own error as the difference from order 2m - 2 (an overestimate: the floor);
//   2. for every candidate stencil S of the catalogue that fits the grid, fits du/dt ~ a f_S(u)
//      by least squares over all those states: the data's own stencil leaves a residual at the
//      floor with a = 1, another leaves its truncation difference from S*;
//   3. integrates du/dt = f_S(u) over one output step from the states u_n (up to kFlowStates of
//      each trajectory, evenly spaced; adaptive
//      Dormand-Prince at 1e-10) and measures how far it lands from u_{n+1}: the flow share
//      sum ||Phi_S(u_n) - u_{n+1}||^2 / sum ||u_{n+1} - u_n||^2. It needs no time derivative, so
//      it separates stencils where the derivative's own error swamps the fit (stiff data: a
//      third or fourth derivative on a fine grid, large output steps);
//   4. fits the data's departure from the exact right-hand side onto each candidate's leading
//      truncation terms (the modified equation): du/dt - f_exact(u) ~ b T_S(u), T_S the sum over
//      the varied terms of tau_S dx^(k'-k) c u^p D_k'(u^q) (numerics/stencil.hpp, truncation_terms;
//      D exact). The data's stencil has b = 1 where its leading term dominates its error (resolved
//      data) and explains most of the departure; evidence beside the flow share, read against
//      the time derivative's floor;
//   5. names the candidate with the smallest flow share when every other one's is more than
//      kSeparation times larger, else says which ones it cannot tell apart (all within that
//      factor: noise at the level of the stencils' difference makes them land equally far); and
//      when even the best misses more than kNoFitShare of the motion, that no candidate made the
//      data (a Richardson-corrected or filtered dataset, another solver, or noise as large as a
//      step's motion), not which of them is nearest.
// docs/numerics.md, "Which stencil made the data", has the measurements.
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "model/pde_case.hpp"

namespace npde {

struct StencilEvidence {
  std::string stencil;
  double residual_share = 0;  // ||du/dt - a f_S(u)||^2 / ||du/dt||^2 over the states
  double coefficient = 0;     // a (1 for the data's stencil)
  double flow_share = 0;      // one output step of f_S from each state against the next state (+inf: it blew up)
  // The truncation fit (step 4); NaN for `spectral`, which has no truncation term.
  double truncation_share = 0;     // b (1 for the data's stencil on resolved data)
  double truncation_error = 0;     // b's standard error (independent residuals assumed: a scale)
  double truncation_residual = 0;  // ||r - b T_S||^2 / ||r||^2, r = du/dt - f_exact(u)
};

struct StencilDetection {
  std::vector<StencilEvidence> candidates;  // by flow share, smallest first
  double floor = 0;        // the time derivative's error estimate, as a share of ||du/dt||^2
  int derivative_order = 0;  // 2m, the time difference's order
  long states = 0;         // the states (columns) the fits use
  // ||du/dt - f_exact(u)||^2 / ||du/dt||^2: the stencil error the truncation fit explains. Below
  // `floor` the time derivative's own error swamps it and the truncation fit says nothing.
  double departure = 0;
  std::string named;       // the stencil that explains the data; empty when undecided
  std::string undecided;   // else why: the candidates it cannot tell apart, or that none fits
  std::string best;        // the candidate with the smallest flow share, named or not
  std::vector<std::string> tied;  // the others within kSeparation of it (empty when named)
  bool none_fits = false;  // even the best misses more than kNoFitShare of the motion
};

// The states of each trajectory the flow share steps from, at most (evenly spaced).
constexpr long kFlowStates = 16;
// The most Dormand-Prince steps one output step of a candidate may take.
constexpr long kFlowMaxSteps = 20000;
// The runner-up's flow share must exceed the best's by this factor.
constexpr double kSeparation = 100.0;
// A flow share above this for the best candidate (it misses more than about a fifth of each
// step's motion, where the data's own stencil lands within the integrator's tolerance and the
// data's noise) means no candidate made the data.
constexpr double kNoFitShare = 0.05;
// The largest grid identify takes: the flow test's cost grows about as N^3 (measured: N = 2048
// 1.1 s, 8192 57 s on a 2-core machine; docs/numerics.md).
constexpr long kMaxIdentifyPoints = 8192;
// The largest |u| identify accepts: squared norms of the states stay far from overflow.
constexpr double kLargestValue = 1e150;

// `trajectories`: N x (S + 1) each, output step dt, on the grid of `pde` (its resolution and
// length); S >= 2. The case's varied term must have a derivative (otherwise no stencil shows).
// Throws std::invalid_argument for data that cannot be read this way.
StencilDetection detect_stencil(const PdeSettings& pde, const std::vector<Eigen::MatrixXd>& trajectories, double dt);

// du/dt at output steps m .. S - m of one trajectory by the central difference of order 2m
// (columns of the result), from the Fornberg weights.
Eigen::MatrixXd time_derivative(const Eigen::MatrixXd& states, double dt, int m);

}  // namespace npde
