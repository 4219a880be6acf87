#pragma once
#include "model/known_terms.hpp"
#include "numerics/runge_kutta.hpp"
#include "pipeline/experiment_spec.hpp"

namespace npde {

// The most substeps per output step a cell may need. States so large (or a dt so long) that
// the stability or accuracy rule asks for more cannot be integrated in bounded time: the cell
// ends as diverged, saying so, instead of running for hours (or overflowing the count). The
// paper's settings need at most a few hundred.
constexpr int kMaxSubsteps = 100000;

// The counts below saturate at kMaxSubsteps + 1 (also for infinite or NaN bounds).

// Smallest substep count per output step dt such that dt/substeps times the bound on the known
// terms' eigenvalues over the given states (columns) stays inside the stepper's stable half-disk
// (ButcherTable::stable_radius; 2.5 for RK4). The network's own contribution is unknown in
// advance and not included.
int stable_substeps(const KnownTerms& terms, const Matrix& states, double dt,
                    const ButcherTable& stepper = butcher_table("rk4"));

// Smallest RK4 substep count per output step dt for which RK4's amplitude error on the fastest
// mode, summed over a map of `map_steps` output steps, stays below `tolerance`: with z = h B
// (B the same bound as above), RK4's per-substep error in log|amplification| is at most about
// |z|^5 / 120. A stable count is not an accurate one: near its stability limit RK4 damps the
// fastest modes by orders of magnitude, which the data of an accurate integrator do not.
int accurate_substeps(const KnownTerms& terms, const Matrix& states, double dt, int map_steps, double tolerance);

// The tolerance the truth map's Jacobian is computed to when the truth data come from the
// adaptive integrator (a 5% bound on the fastest mode over the whole map; far less in practice).
constexpr double kTruthJacobianTolerance = 0.05;

// RK4 substeps per output step for the truth map's Jacobian: that of the map that made the
// data. RK4 data (`truth = "rk4"`, made with `rk4_data_substeps`) give their own map; adaptive
// data follow the semi-discrete flow, which RK4 matches only with enough substeps (a stable
// count damps the stiff modes), so the larger of the stable and the accurate count.
int truth_jacobian_substeps(const ExperimentSpec& spec, const KnownTerms& truth, const Matrix& states,
                            int rk4_data_substeps);

}  // namespace npde
