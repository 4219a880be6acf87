#pragma once
// Small but complete experiments for tests: every code path of the paper's jobs at a size
// where finite differences and repeated runs are cheap.
#include "pipeline/experiment_spec.hpp"
#include "input/case_file.hpp"

namespace npde::testing {

inline ExperimentSpec small_burgers() {
  ExperimentSpec s;
  s.name = "small-burgers";
  s.seed = 3;
  s.pde = builtin_pde("burgers", 16, 2 * M_PI, {0.03}, "central6");
  s.dt = 0.01;
  s.steps = 6;
  s.train_stencil = "backward1";
  s.infer_stencil = "central4";
  s.train_ic = {IcKind::step, 2.0, 0.0};
  s.test_ics = {{IcKind::step, 3.0, 0.0}};
  s.hidden = {6, 5};
  s.training.epochs = 5;
  s.training.transitions = 2;
  s.integrator.substeps = 3;
  s.jacobian_states = {0, 2};
  return s;
}

inline ExperimentSpec small_gkdv() {
  ExperimentSpec s;
  s.name = "small-gkdv";
  s.seed = 4;
  s.pde = builtin_pde("gkdv", 16, 5 * M_PI, {0.5}, "central2");
  s.dt = 0.01;
  s.steps = 4;
  s.train_stencil = "central2";
  s.infer_stencil = "central6";
  s.train_ic = {IcKind::sine, 1.0, 2.5};
  s.test_ics = {{IcKind::sine, 1.0, 3.0}};
  s.hidden = {5, 4, 3};
  s.training.mode = TrainingMode::one_shot;
  s.training.epochs = 5;
  s.training.transitions = 1;
  s.training.update = UpdateRule::summed;
  s.integrator.substeps = 0;  // auto
  return s;
}

// The same experiment with a convolutional closure (network.kind = "cnn").
inline ExperimentSpec with_cnn(ExperimentSpec s, std::vector<int> channels = {3, 2}, int kernel = 5) {
  s.name += "-cnn";
  s.network_kind = NetworkKind::cnn;
  s.channels = std::move(channels);
  s.kernel = kernel;
  return s;
}

}  // namespace npde::testing
