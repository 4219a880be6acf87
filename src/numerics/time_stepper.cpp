#include "numerics/time_stepper.hpp"

#include <algorithm>
#include <stdexcept>

namespace npde {

namespace {
template <class Table>
std::vector<std::string> names_of_tables(const std::vector<Table>& tables) {
  std::vector<std::string> n;
  for (const Table& t : tables) n.push_back(t.name);
  return n;
}
}  // namespace

const std::vector<std::string>& stepper_names() {
  static const std::vector<std::string> names = names_of_tables(butcher_tables());
  return names;
}

const std::vector<std::string>& exponential_stepper_names() {
  static const std::vector<std::string> names = names_of_tables(exponential_tables());
  return names;
}

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

Stepper::Stepper() : rk_(&npde::butcher_table("rk4")) {}

Stepper Stepper::named(const std::string& name) {
  Stepper s;
  for (const ButcherTable& t : butcher_tables())
    if (t.name == name) {
      s.rk_ = &t;
      return s;
    }
  s.rk_ = nullptr;
  for (const ExponentialTable& t : exponential_tables())
    if (t.name == name) {
      s.exp_ = &t;
      return s;
    }
  std::string known;
  for (const std::string& n : time_stepper_names()) known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown stepper '" + name + "' (steppers: " + known + ")");
}

const std::string& Stepper::name() const { return rk_ ? rk_->name : exp_->name; }
const std::string& Stepper::description() const { return rk_ ? rk_->description : exp_->description; }
const std::string& Stepper::label() const {
  const std::string& l = rk_ ? rk_->label : exp_->label;
  return l.empty() ? name() : l;
}
int Stepper::stages() const { return rk_ ? rk_->stages() : exp_->stages(); }
int Stepper::order() const { return rk_ ? rk_->order : exp_->order; }
double Stepper::stable_radius() const { return rk_ ? rk_->stable_radius : exp_->stable_radius; }
double Stepper::map_tolerance_share() const { return rk_ ? 1.0 : exp_->map_tolerance_share; }
const ButcherTable& Stepper::butcher_table() const {
  if (!rk_) throw std::logic_error(name() + " is not a Runge-Kutta table");
  return *rk_;
}
const ExponentialTable& Stepper::exponential_table() const {
  if (!exp_) throw std::logic_error(name() + " is not an exponential table");
  return *exp_;
}

TimeStepper::TimeStepper(const Stepping& s, int n, double h, int directions) : h_(h) {
  if (s.exponential()) {
    const Stencil zero{"zero", 1, {0}, {0.0}};
    exp_ = std::make_unique<ExponentialStepper>(s.stepper.exponential_table(), s.linear ? *s.linear : zero, n, h,
                                                directions);
    return;
  }
  rk_ = &s.stepper.butcher_table();
  rk_work_ = std::make_unique<RkWorkspace>(*rk_, n, directions);
  rk_adjoint_ = std::make_unique<RkAdjointWorkspace>(*rk_, n);
}

}  // namespace npde
