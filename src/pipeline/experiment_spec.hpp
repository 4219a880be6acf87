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

struct TrainingSettings {
  std::string mode = "autoregressive";  // or "one_shot"
  int epochs = 1000;
  double learning_rate = 0.01;
  int transitions = 2;                  // autoregressive: one-step transitions per epoch
  std::string update = "per_transition";  // autoregressive: Adam step per transition, or "summed"
};

struct IntegratorSettings {
  std::string model = "rk4";            // the model's stepper (numerics/runge_kutta.hpp)
  int substeps = 0;                     // model substeps per output step; 0 = automatic (stability bound)
  std::string truth = "dopri5";         // truth data: "dopri5" (adaptive) or "rk4" (with substeps)
  double truth_rtol = 1e-10;
  double truth_atol = 1e-12;
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
  bool one_shot() const { return training.mode == "one_shot"; }
  // Output steps an analysed Jacobian spans: one-shot u(0) -> u(T), else one step.
  int jacobian_map_steps() const { return one_shot() ? steps : 1; }
};

}  // namespace npde
