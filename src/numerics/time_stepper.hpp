#pragma once
// One interface over the two kinds of fixed-step time stepper a job can name (integrator.model,
// integrator.truth, integrator.truth_map): an explicit Runge-Kutta table (runge_kutta.hpp),
// whose stages evaluate the whole right-hand side f, or an exponential table (exponential.hpp)
// for u' = L u + N(u), whose stages evaluate N only and which takes L exactly.
//
// Which right-hand side the stages evaluate is the caller's: for an exponential stepper, the
// known terms without their linear part (split_for_stepper in model/known_terms.hpp gives both
// halves). The RK path makes exactly the calls it made before this interface existed, so RK
// results are bitwise unchanged.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "numerics/exponential.hpp"
#include "numerics/runge_kutta.hpp"

namespace npde {

// The steppers a job may name (integrator.model, integrator.truth, integrator.truth_map),
// Runge-Kutta tables first, in a fixed order.
const std::vector<std::string>& time_stepper_names();
bool is_time_stepper_name(const std::string& name);

// One stepper of the two registries, resolved once from its name: a small value (a pointer to
// its table) that the spec holds and the pipeline passes along. Everything the substep rule, the
// cost model, the result files and the steppers need of it is asked of it, whichever its kind.
class Stepper {
 public:
  Stepper();  // rk4, the default
  // std::invalid_argument naming the steppers there are for an unknown name.
  static Stepper named(const std::string& name);

  const std::string& name() const;
  const std::string& description() const;  // in words, as result files describe it
  const std::string& label() const;        // as result texts name it ("RK4", "ifrk4")
  bool exponential() const { return exp_ != nullptr; }
  int stages() const;                      // right-hand-side evaluations per step
  int order() const;
  double stable_radius() const;            // what the substep rule divides by
  double map_tolerance_share() const;      // ExponentialTable::map_tolerance_share (1 for RK tables)
  const ButcherTable& butcher_table() const;           // a Runge-Kutta stepper's
  const ExponentialTable& exponential_table() const;   // an exponential stepper's

  friend bool operator==(const Stepper& a, const Stepper& b) { return a.rk_ == b.rk_ && a.exp_ == b.exp_; }
  friend bool operator!=(const Stepper& a, const Stepper& b) { return !(a == b); }

 private:
  const ButcherTable* rk_ = nullptr;
  const ExponentialTable* exp_ = nullptr;
};

// A stepper and, for an exponential one, the linear operator it takes exactly (none: L = 0).
struct Stepping {
  Stepper stepper;
  std::optional<Stencil> linear;
  bool exponential() const { return stepper.exponential(); }
};

// A stepper for one step size on N points, with room for `directions` tangent directions.
class TimeStepper {
 public:
  TimeStepper(const Stepping& stepping, int n, double h, int directions = 0);
  int stages() const { return rk_ ? rk_->stages() : exp_->table().stages(); }

  // rhs(tape_index, y, k): k = f(y) (RK) or N(y) (exponential).
  template <class Rhs>
  void step(Rhs&& rhs, Vector& u, int tape_index = -1) {
    if (rk_)
      rk_step(*rk_, rhs, h_, u, *rk_work_, tape_index);
    else
      exp_->step(rhs, u, tape_index);
  }
  // tangent(y, k, Y, K): k and its derivative applied to Y. Needs directions == U.cols().
  template <class Tangent>
  void tangent_step(Tangent&& tangent, Vector& u, Matrix& U) {
    if (rk_)
      rk_tangent_step(*rk_, tangent, h_, u, U, *rk_work_);
    else
      exp_->tangent_step(tangent, u, U);
  }
  // vjp(tape_index, kbar, ybar): ybar = (derivative at the recorded stage)^T kbar.
  template <class Vjp>
  void adjoint_step(Vjp&& vjp, Vector& ubar, int tape_index) {
    if (rk_)
      rk_adjoint_step(*rk_, vjp, h_, ubar, *rk_adjoint_, tape_index);
    else
      exp_->adjoint_step(vjp, ubar, tape_index);
  }

 private:
  double h_;
  const ButcherTable* rk_ = nullptr;
  std::unique_ptr<RkWorkspace> rk_work_;
  std::unique_ptr<RkAdjointWorkspace> rk_adjoint_;
  std::unique_ptr<ExponentialStepper> exp_;
};

}  // namespace npde
