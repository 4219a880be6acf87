#pragma once
#include <string>

#include "model/known_terms.hpp"
#include "numerics/time_stepper.hpp"
#include "pipeline/experiment_spec.hpp"

namespace npde {

// The most substeps per output step a cell may need. States so large (or a dt so long) that
// the stability or accuracy rule asks for more cannot be integrated in bounded time: the cell
// ends as diverged, saying so, instead of running for hours (or overflowing the count). The
// paper's settings need at most a few hundred.
constexpr int kMaxSubsteps = 100000;

// The counts below saturate at kMaxSubsteps + 1 (also for infinite or NaN bounds).
//
// What a rule bounds depends on the stepper: a Runge-Kutta table must keep h times the bound on
// every eigenvalue of f'(u) inside its stable half-disk; an exponential table takes the linear
// part L exactly, so only the rest (the non-stiff part) is bounded.

// Smallest substep count per output step dt such that dt/substeps times the bound on the terms'
// eigenvalues over the given states (columns), without L for an exponential stepper, stays
// inside the stepper's stable half-disk (its stable radius; 2.5 for RK4).
int stable_substeps(const KnownTerms& terms, const Matrix& states, double dt, const Stepper& stepper = Stepper());

// Smallest substep count per output step dt for which the amplitude error on the fastest mode,
// summed over a map of `map_steps` output steps, stays below `tolerance`: with z = h B (B the
// same bound as above, without L for an exponential stepper), an order-p step's error in
// log|amplification| is about |z|^(p+1) / (p+1)! (RK4's |z|^5 / 120; the Taylor remainder, which
// is the leading error of the methods whose stability function is the Taylor polynomial and of
// the right size for the others). A stable count is not an accurate
// one: near its stability limit RK4 damps the fastest modes by orders of magnitude, which the
// data of an accurate integrator do not.
int accurate_substeps(const KnownTerms& terms, const Matrix& states, double dt, int map_steps, double tolerance,
                      const Stepper& stepper = Stepper());

// The tolerance the truth map's Jacobian is computed to when the truth data come from the
// adaptive integrator (a 5% bound on the fastest mode over the whole map; far less in practice).
constexpr double kTruthJacobianTolerance = 0.05;
// The same for an exponential truth map (integrator.truth_map = "ifrk4"), 16 times tighter, so
// twice the substeps of the formula: the error that remains is that of the non-linear coupling,
// summed over every mode in log|det J|. Measured on the paper's gKdV (docs/numerics.md): the
// formula's own count leaves log|det J| at -0.11, twice the count at -0.007.
constexpr double kExponentialMapTolerance = kTruthJacobianTolerance / 16;

// The model's substeps: integrator.substeps when fixed; else the stable count of its stepper for
// its known terms. The network's contribution is unknown in advance: a Runge-Kutta model's
// count follows from its known terms (the stiff ones dominate); an exponential model's known
// non-linear part may be nothing at all (gKdV's is), so the learned terms as the truth has them
// stand in for the network.
int model_substeps(const ExperimentSpec& spec, const KnownTerms& model_known, const Matrix& states);

// The stepper of fixed-step truth data (integrator.truth other than dopri5; rk4 for adaptive
// data, where it is not used), and its substeps: integrator.substeps when fixed, else its stable
// count over the initial conditions.
Stepper truth_data_stepper(const ExperimentSpec& spec);
int truth_data_substeps(const ExperimentSpec& spec, const KnownTerms& truth, const Matrix& initial_states);

// The truth map's stepper (its Jacobian's): that of fixed-step truth data, whose own map it is;
// for adaptive data integrator.truth_map (rk4 unless set).
Stepper truth_map_stepper(const ExperimentSpec& spec);
// Substeps per output step for the truth map's Jacobian: that of the map that made the data for
// fixed-step data (`data_substeps`); adaptive data follow the semi-discrete flow, which a fixed
// step matches only with enough substeps (a stable count damps the stiff modes), so the larger
// of the stable and the accurate count of the truth map's stepper.
int truth_jacobian_substeps(const ExperimentSpec& spec, const KnownTerms& truth, const Matrix& states,
                            int data_substeps);

}  // namespace npde
