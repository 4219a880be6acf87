#pragma once
// Cooperative cancellation of long computations. The pipeline calls check() at safe points
// (every truth output step, training epoch, rollout step and Jacobian substep), so a caller can
// stop a cell in any phase within milliseconds; the caller's predicate decides, and check()
// throws Cancelled when it says stop.
//
// Cancelled derives from std::exception only, not std::runtime_error: code that turns
// numerical failures into data (a truth that blows up is a diverged cell) lets it pass.
#include <exception>
#include <functional>
#include <utility>

namespace npde {

struct Cancelled : std::exception {
  const char* what() const noexcept override { return "cancelled"; }
};

class Cancellation {
 public:
  Cancellation() = default;
  explicit Cancellation(std::function<bool()> should_stop) : should_stop_(std::move(should_stop)) {}

  void check() const {
    if (should_stop_ && should_stop_()) throw Cancelled();
  }

 private:
  std::function<bool()> should_stop_;
};

}  // namespace npde
