#pragma once
// Training the NeuralPDE through its time stepper with exact gradients (discrete adjoint).
//
// All three losses of docs/science.md are one unrolled loss: integrate the model over `steps` output
// steps from u0 and sum the MSE against targets at output steps >= loss_from_step.
//   autoregressive, per transition: steps = 1 from the model's own previous prediction
//   autoregressive, summed:         steps = k, loss_from_step = 1 (gradient through the chain)
//   one-shot:                       steps = horizon, loss_from_step = horizon
#include <functional>
#include <string>
#include <vector>

#include "model/neural_rhs.hpp"
#include "numerics/time_stepper.hpp"
#include "pipeline/cancellation.hpp"
#include "pipeline/experiment_spec.hpp"

namespace npde {

class UnrolledLoss {
 public:
  // `stepping` names the stepper; with an exponential one, rhs's known terms must be the
  // non-linear part (split_for_stepper) and stepping.linear the rest.
  UnrolledLoss(NeuralRhs& rhs, double dt, int substeps, int max_steps, const Stepping& stepping = {});

  // targets: N x steps, column i - 1 is the target of output step i. Returns the loss, writes
  // grad = dL/dtheta and, if non-null, the model state after `steps` steps and dL/du0.
  double evaluate(const Vector& theta, const Vector& u0, int steps, int loss_from_step,
                  const Eigen::Ref<const Matrix>& targets, Vector& grad, Vector* final_state = nullptr,
                  Vector* input_grad = nullptr);


 private:
  NeuralRhs& rhs_;
  TimeStepper stepper_;
  int substeps_;
  Matrix outputs_;  // model state after each output step
  Vector u_, ubar_;
};

struct TrainingHistory {
  std::vector<double> epoch_loss;  // mean of the epoch's update losses (before each update)
  Matrix update_loss;              // updates_per_epoch x epochs
  int epochs_run = 0;
  bool diverged = false;
  std::string message;
};

// Called after each epoch with (epoch index, its loss); used for progress output.
using EpochCallback = std::function<void(int, double)>;

int updates_per_epoch(const TrainingSettings& t);

// Trains theta in place with Adam. truth_train: N x (steps + 1) truth of the training IC.
// `cancel` is checked before every epoch.
// `stepping` as for UnrolledLoss (the spec's integrator.model, split by the caller).
TrainingHistory train(NeuralRhs& rhs, Vector& theta, const ExperimentSpec& spec, int substeps,
                      const Matrix& truth_train, const EpochCallback& on_epoch = {},
                      const Cancellation& cancel = {}, const Stepping& stepping = {});

}  // namespace npde
