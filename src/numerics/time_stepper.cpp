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

bool is_exponential_stepper(const std::string& name) { return is_exponential_stepper_name(name); }

int stepper_stages(const std::string& name) {
  return is_exponential_stepper(name) ? exponential_table(name).stages() : butcher_table(name).stages();
}

int stepper_order(const std::string& name) {
  return is_exponential_stepper(name) ? exponential_table(name).order : butcher_table(name).order;
}

double stepper_stable_radius(const std::string& name) {
  return is_exponential_stepper(name) ? exponential_table(name).stable_radius : butcher_table(name).stable_radius;
}

std::string stepper_description(const std::string& name) {
  return is_exponential_stepper(name) ? exponential_table(name).description : butcher_table(name).description;
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
