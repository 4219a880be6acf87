#include "numerics/time_stepper.hpp"

#include <algorithm>
#include <stdexcept>

namespace npde {

const std::vector<std::string>& time_stepper_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n = stepper_names();
    for (const std::string& e : exponential_stepper_names()) n.push_back(e);
    return n;
  }();
  return names;
}

bool is_time_stepper_name(const std::string& name) {
  const auto& n = time_stepper_names();
  return std::find(n.begin(), n.end(), name) != n.end();
}

namespace {
template <class Table>
StepperInfo info_of(const Table& t) {
  return {t.stages(), t.order, t.stable_radius, t.description};
}
}  // namespace

StepperInfo stepper_info(const std::string& name) {
  return is_exponential_stepper(name) ? info_of(exponential_table(name)) : info_of(butcher_table(name));
}

TimeStepper::TimeStepper(const Stepping& s, int n, double h, int directions) : h_(h) {
  if (s.exponential()) {
    const Stencil zero{"zero", 1, {0}, {0.0}};
    exp_ = std::make_unique<ExponentialStepper>(exponential_table(s.stepper), s.linear ? *s.linear : zero, n, h,
                                                directions);
    return;
  }
  rk_ = &butcher_table(s.stepper);
  rk_work_ = std::make_unique<RkWorkspace>(*rk_, n, directions);
  rk_adjoint_ = std::make_unique<RkAdjointWorkspace>(*rk_, n);
}

}  // namespace npde
