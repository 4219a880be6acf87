#include "pipeline/training.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "model/adam.hpp"

namespace npde {

UnrolledLoss::UnrolledLoss(NeuralRhs& rhs, double dt, int substeps, int max_steps, const Stepping& stepping)
    : rhs_(rhs),
      stepper_(stepping, rhs.size(), dt / substeps),
      substeps_(substeps),
      outputs_(rhs.size(), max_steps),
      u_(rhs.size()),
      ubar_(rhs.size()) {
  rhs_.reserve_tape(static_cast<long>(stepper_.stages()) * substeps * max_steps);
}

double UnrolledLoss::evaluate(const Vector& theta, const Vector& u0, int steps, int loss_from_step,
                              const Eigen::Ref<const Matrix>& targets, Vector& grad, Vector* final_state,
                              Vector* input_grad) {
  if (steps > outputs_.cols()) throw std::logic_error("UnrolledLoss: more steps than reserved");
  const double n = static_cast<double>(u0.size());
  rhs_.set_parameters(theta);
  auto eval = [&](int tape, const Vector& y, Vector& k) { rhs_.eval(tape, y, k); };
  auto vjp = [&](int tape, const Vector& kbar, Vector& ybar) { rhs_.vjp(tape, kbar, ybar); };

  const int stages = stepper_.stages();
  u_ = u0;
  for (int i = 0; i < steps; ++i) {
    for (int j = 0; j < substeps_; ++j) stepper_.step(eval, u_, stages * (i * substeps_ + j));
    outputs_.col(i) = u_;
  }
  if (final_state) *final_state = u_;

  double loss = 0.0;
  ubar_.setZero();
  for (int i = steps - 1; i >= 0; --i) {
    if (i + 1 >= loss_from_step) {
      const auto r = outputs_.col(i) - targets.col(i);
      loss += r.squaredNorm() / n;
      ubar_ += (2.0 / n) * r;
    }
    for (int j = substeps_ - 1; j >= 0; --j) stepper_.adjoint_step(vjp, ubar_, stages * (i * substeps_ + j));
  }
  if (input_grad) *input_grad = ubar_;
  grad.setZero(theta.size());
  rhs_.accumulate_parameter_gradient(static_cast<long>(stages) * substeps_ * steps, grad);
  return loss;
}

int updates_per_epoch(const TrainingSettings& t) {
  return (t.mode == TrainingMode::autoregressive && t.update == UpdateRule::per_transition) ? t.transitions : 1;
}

TrainingHistory train(NeuralRhs& rhs, Vector& theta, const ExperimentSpec& spec, int substeps,
                      const Matrix& truth_train, const EpochCallback& on_epoch, const Cancellation& cancel,
                      const Stepping& stepping) {
  const TrainingSettings& t = spec.training;
  const bool one_shot = spec.one_shot();
  const int unrolled = one_shot ? spec.steps : (t.update == UpdateRule::summed ? t.transitions : 1);
  // An RK stepper follows from the spec; an exponential one also needs the linear part, which
  // the caller split off the model's known terms.
  const Stepping used = spec.integrator.model.exponential() ? stepping : Stepping{spec.integrator.model, {}};
  if (used.stepper != spec.integrator.model)
    throw std::logic_error("train: the exponential stepper needs its linear part (split_for_stepper)");
  UnrolledLoss loss(rhs, spec.dt, substeps, unrolled, used);
  Adam adam(theta.size(), AdamSettings{t.learning_rate});

  TrainingHistory h;
  const int updates = updates_per_epoch(t);
  h.update_loss = Matrix::Constant(updates, t.epochs, std::nan(""));
  h.epoch_loss.reserve(t.epochs);
  Vector grad(theta.size()), state(rhs.size()), next(rhs.size());
  const Vector u0 = truth_train.col(0);
  // Weights given from outside (--init-weights) may hold NaN or inf: that model diverged
  // before its first epoch, whatever the number of epochs (0 included).
  if (!theta.allFinite()) {
    Eigen::Index bad = 0;
    while (std::isfinite(theta[bad])) ++bad;
    h.diverged = true;
    h.message = "training diverged at epoch 0: initial network parameter " + std::to_string(bad) + " is not finite";
    return h;
  }

  for (int e = 0; e < t.epochs; ++e) {
    cancel.check();
    double sum = 0.0;
    if (one_shot) {
      // the loss at u(T) only, or summed over every output step of the horizon
      const int loss_from = t.loss == OneShotLoss::trajectory ? 1 : spec.steps;
      sum = h.update_loss(0, e) = loss.evaluate(theta, u0, spec.steps, loss_from,
                                                truth_train.middleCols(1, spec.steps), grad);
      adam.step(theta, grad);
    } else if (t.update == UpdateRule::summed) {
      sum = h.update_loss(0, e) = loss.evaluate(theta, u0, t.transitions, 1,
                                                truth_train.middleCols(1, t.transitions), grad);
      adam.step(theta, grad);
    } else {
      // The model's own prediction feeds the next transition; it is computed before the update
      // and enters as data (no gradient through earlier transitions), as in the paper's scripts.
      state = u0;
      for (int k = 0; k < t.transitions; ++k) {
        const double l = loss.evaluate(theta, state, 1, 1, truth_train.middleCols(k + 1, 1), grad, &next);
        h.update_loss(k, e) = l;
        sum += l;
        adam.step(theta, grad);
        state = next;
      }
    }
    const double epoch_loss = sum / updates;
    h.epoch_loss.push_back(epoch_loss);
    h.epochs_run = e + 1;
    if (!std::isfinite(epoch_loss) || !theta.allFinite()) {
      h.diverged = true;
      char text[160];
      std::snprintf(text, sizeof text, "training diverged at epoch %d: loss %.3g%s", e, epoch_loss,
                    theta.allFinite() ? "" : ", network parameters no longer finite");
      h.message = text;
      break;
    }
    if (on_epoch) on_epoch(e, epoch_loss);
  }
  return h;
}

}  // namespace npde
