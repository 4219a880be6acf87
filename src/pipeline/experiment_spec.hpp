#pragma once
// Everything that defines one experiment (one grid cell), already validated. Plain data: the
// input layer builds it from TOML, the pipeline computes from it, the store records it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/network.hpp"
#include "model/pde_case.hpp"
#include "numerics/spectrum.hpp"
#include "numerics/time_stepper.hpp"
#include "pipeline/kind_names.hpp"

namespace npde {

// The initial-condition families: each is one entry of the table in
// pipeline/initial_condition.cpp (its spelling, its own parameter, its profile).
enum class IcKind { step, sine, soliton, kink };

struct InitialCondition {
  IcKind kind = IcKind::step;
  double amplitude = 0.0;
  double shape = 0.0;  // the family's own parameter (sine: the paper's c, kink: the width w), else unused

  std::string label() const;  // e.g. "step(A=10)", "sine(A=5,c=2.5)", "kink(A=1,w=0.1)"
};

// The kinds a job chooses among. Each is spelled once, in the table of kind_names<E>()
// (pipeline/kind_names.hpp; experiment_spec.cpp): job files are read, canonical text and result
// files written, with it.
enum class TrainingMode { autoregressive, one_shot };
enum class UpdateRule { per_transition, summed };   // autoregressive: Adam step per transition, or one per epoch
enum class OneShotLoss { final, trajectory };        // one-shot: MSE at u(T) only, or summed over every output step
// The solution fields u(x, t) a result keeps at every output step (analysis.fields): none, the
// test ICs' rollouts beside their truth, or those and the training IC's truth and rollout.
enum class FieldsKept { none, rollouts, all };
// Truth data as integrated (none), or Richardson-extrapolated from the training stencil's
// solutions at N and 2N points (integrator.truth_correction; pipeline/truth.hpp).
enum class TruthCorrection { none, richardson };

template <>
const std::vector<KindName<TrainingMode>>& kind_names<TrainingMode>();
template <>
const std::vector<KindName<UpdateRule>>& kind_names<UpdateRule>();
template <>
const std::vector<KindName<OneShotLoss>>& kind_names<OneShotLoss>();
template <>
const std::vector<KindName<FieldsKept>>& kind_names<FieldsKept>();
template <>
const std::vector<KindName<TruthCorrection>>& kind_names<TruthCorrection>();
// analysis.pseudospectra: the radial searches' lower bound (rays) or the global maximum.
template <>
const std::vector<KindName<PseudospectralSearch>>& kind_names<PseudospectralSearch>();
template <>
const std::vector<KindName<NetworkKind>>& kind_names<NetworkKind>();  // pipeline/network_kinds.cpp
template <>
const std::vector<KindName<IcKind>>& kind_names<IcKind>();  // pipeline/initial_condition.cpp

struct TrainingSettings {
  TrainingMode mode = TrainingMode::autoregressive;
  int epochs = 1000;
  double learning_rate = 0.01;
  int transitions = 2;                  // autoregressive: one-step transitions per epoch
  UpdateRule update = UpdateRule::per_transition;
  OneShotLoss loss = OneShotLoss::final;  // one-shot only
};

// How the truth data are integrated when not by a fixed-step stepper: adaptive Dormand-Prince 5(4).
constexpr const char* kAdaptiveTruth = "dopri5";

// One stepper vocabulary (numerics/time_stepper.hpp) for the model, the truth data and the truth map.
struct IntegratorSettings {
  Stepper model;                        // the model's stepper
  int substeps = 0;                     // model substeps per output step; 0 = automatic (stability bound)
  std::optional<Stepper> truth;         // fixed-step truth data with this stepper; none: kAdaptiveTruth
  double truth_rtol = 1e-10;
  double truth_atol = 1e-12;
  Stepper truth_map;                    // stepper of the truth map's Jacobian for adaptive truth data
  TruthCorrection truth_correction = TruthCorrection::none;  // Richardson-corrected truth data

  bool adaptive_truth() const { return !truth; }
  std::string truth_name() const { return truth ? truth->name() : kAdaptiveTruth; }  // integrator.truth
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
  // network.kind and every kind's settings (a sweep may put the kind on an axis); a kind reads
  // its own (pipeline/network_kinds.cpp).
  NetworkKind network_kind = NetworkKind::mlp;
  std::vector<int> hidden = {20, 20};   // mlp: hidden widths; input and output width are N
  std::vector<int> channels = {8, 8};   // cnn: channels of each hidden layer; input and output have one
  int kernel = 5;                       // cnn: kernel width (odd)
  TrainingSettings training;
  IntegratorSettings integrator;
  std::vector<int> jacobian_states;     // autoregressive: states u_n whose step-map Jacobian is analysed
  FieldsKept fields = FieldsKept::none; // solution fields kept in the result (a job file's default; run-one keeps all)
  PseudospectralSearch pseudospectra = PseudospectralSearch::rays;  // how the pseudospectral radii are searched

  // The closure network this job trains, and what a sweep's replicate seeds derive from: its
  // kind's entry of pipeline/network_kinds.hpp (which reads only its kind's settings).
  Network network() const;
  std::vector<int> seed_basis() const;
  bool one_shot() const { return training.mode == TrainingMode::one_shot; }
  // Output steps an analysed Jacobian spans: one-shot u(0) -> u(T), else one step.
  int jacobian_map_steps() const { return one_shot() ? steps : 1; }
  // Applications of that map that span the rollout (K of the transient growth max_k ||J^k||_2).
  int growth_horizon() const { return steps / jacobian_map_steps(); }
};

}  // namespace npde
