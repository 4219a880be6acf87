#pragma once
// Everything that defines one experiment (one grid cell), already validated. Plain data: the
// spec layer builds it from TOML, the pipeline computes from it, the store records it.
#include <cstdint>
#include <string>
#include <vector>

#include "model/pde_case.hpp"

namespace npde {

struct InitialCondition {
  std::string kind;        // "step": 1 everywhere, `amplitude` on j = 1..N/2-1
                           // "sine": -amplitude * sin(x / wavelength + pi)  (gKdV family)
                           // "soliton": A sech^2(sqrt(A/2) (x - L/2)), the KdV soliton of
                           //            u_t = -6 u u_x - u_xxx that travels at speed 2A
                           // "kink": A (tanh((x - L/4)/w) - tanh((x - 3L/4)/w) - 1), two fronts
                           //            (Allen-Cahn's stationary profile for A = 1, w = sqrt(2 eps))
  double amplitude = 0.0;
  double wavelength = 0.0; // "sine" only: the paper's c
  double width = 0.0;      // "kink" only: w

  std::string label() const;  // e.g. "step(A=10)", "sine(A=5,c=2.5)", "kink(A=1,w=0.1)"
};

// The kinds a job chooses among. Each is spelled once, in the table of kind_names<E>()
// (experiment_spec.cpp): job files are read, canonical text and result files written, with it.
enum class TrainingMode { autoregressive, one_shot };
enum class UpdateRule { per_transition, summed };   // autoregressive: Adam step per transition, or one per epoch
enum class OneShotLoss { final, trajectory };        // one-shot: MSE at u(T) only, or summed over every output step
// adaptive Dormand-Prince, or a fixed-step stepper (numerics/time_stepper.hpp) with substeps
enum class TruthIntegrator { dopri5, rk4, ifrk4, etdrk4 };

template <class E>
struct KindName {
  E kind;
  const char* name;
};
template <class E>
const std::vector<KindName<E>>& kind_names();
template <>
const std::vector<KindName<TrainingMode>>& kind_names<TrainingMode>();
template <>
const std::vector<KindName<UpdateRule>>& kind_names<UpdateRule>();
template <>
const std::vector<KindName<TruthIntegrator>>& kind_names<TruthIntegrator>();
template <>
const std::vector<KindName<OneShotLoss>>& kind_names<OneShotLoss>();

template <class E>
const char* name_of(E kind) {
  for (const auto& k : kind_names<E>())
    if (k.kind == kind) return k.name;
  return "?";
}
template <class E>
std::vector<std::string> names_of() {
  std::vector<std::string> v;
  for (const auto& k : kind_names<E>()) v.push_back(k.name);
  return v;
}
// The kind spelled `name`; std::invalid_argument naming the allowed spellings otherwise.
template <class E>
E kind_from_name(const std::string& name);

struct TrainingSettings {
  TrainingMode mode = TrainingMode::autoregressive;
  int epochs = 1000;
  double learning_rate = 0.01;
  int transitions = 2;                  // autoregressive: one-step transitions per epoch
  UpdateRule update = UpdateRule::per_transition;
  OneShotLoss loss = OneShotLoss::final;  // one-shot only
};

struct IntegratorSettings {
  std::string model = "rk4";            // the model's stepper (numerics/time_stepper.hpp), a table's name
  int substeps = 0;                     // model substeps per output step; 0 = automatic (stability bound)
  TruthIntegrator truth = TruthIntegrator::dopri5;
  double truth_rtol = 1e-10;
  double truth_atol = 1e-12;
  std::string truth_map = "rk4";        // stepper of the truth map's Jacobian for adaptive truth data
};

struct ExperimentSpec {
  std::string name;
  std::uint64_t seed = 0;               // initial weights: Glorot uniform from this seed
  PdeSettings pde;
  double dt = 0.01;                     // output step
  int steps = 50;                       // horizon T = steps * dt
  std::string train_stencil;            // stencil of the varied term in the truth data
  std::string infer_stencil;            // the same term inside the NeuralPDE
  InitialCondition train_ic;
  std::vector<InitialCondition> test_ics;
  std::vector<int> hidden = {20, 20};   // hidden widths; input and output width are N
  TrainingSettings training;
  IntegratorSettings integrator;
  std::vector<int> jacobian_states;     // autoregressive: states u_n whose step-map Jacobian is analysed

  std::vector<int> network_widths() const;
  bool one_shot() const { return training.mode == TrainingMode::one_shot; }
  // Output steps an analysed Jacobian spans: one-shot u(0) -> u(T), else one step.
  int jacobian_map_steps() const { return one_shot() ? steps : 1; }
  // Applications of that map that span the rollout (K of the transient growth max_k ||J^k||_2).
  int growth_horizon() const { return steps / jacobian_map_steps(); }
};

}  // namespace npde
