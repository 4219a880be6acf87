#include "pipeline/initial_condition.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace npde {

namespace {

void step(const InitialCondition& ic, double, Eigen::VectorXd& u) {
  u.setOnes();
  for (long j = 1; j <= u.size() / 2 - 1; ++j) u[j] = ic.amplitude;
}

void sine(const InitialCondition& ic, double length, Eigen::VectorXd& u) {
  const double dx = length / u.size();
  for (long j = 0; j < u.size(); ++j) u[j] = -ic.amplitude * std::sin(j * dx / ic.shape + M_PI);
}

void soliton(const InitialCondition& ic, double length, Eigen::VectorXd& u) {
  const double dx = length / u.size(), k = std::sqrt(ic.amplitude / 2.0);
  for (long j = 0; j < u.size(); ++j) {
    const double s = 1.0 / std::cosh(k * (j * dx - 0.5 * length));
    u[j] = ic.amplitude * s * s;
  }
}

void kink(const InitialCondition& ic, double length, Eigen::VectorXd& u) {
  const double dx = length / u.size();
  for (long j = 0; j < u.size(); ++j) {
    const double x = j * dx;
    u[j] = ic.amplitude * (std::tanh((x - 0.25 * length) / ic.shape) - std::tanh((x - 0.75 * length) / ic.shape) - 1.0);
  }
}

}  // namespace

const std::vector<IcFamily>& ic_families() {
  static const std::vector<IcFamily> families = {
      {IcKind::step, "step", nullptr, nullptr, false, "1 everywhere, A on j = 1 .. N/2 - 1 (the paper's Burgers IC)",
       step},
      {IcKind::sine, "sine", "c", "c", false, "-A sin(x / c + pi) (the paper's gKdV IC)", sine},
      {IcKind::soliton, "soliton", nullptr, nullptr, true,
       "A sech^2(sqrt(A/2) (x - L/2)), the KdV soliton of u_t = -6 u u_x - u_xxx, travelling at speed 2A", soliton},
      {IcKind::kink, "kink", "width", "w", false,
       "A (tanh((x - L/4)/w) - tanh((x - 3L/4)/w) - 1), two fronts (Allen-Cahn's stationary profile for A = 1, "
       "w = sqrt(2 eps))",
       kink},
  };
  return families;
}

const IcFamily& ic_family(IcKind kind) {
  for (const IcFamily& f : ic_families())
    if (f.kind == kind) return f;
  throw std::logic_error("an initial-condition kind without a family entry");
}

template <>
const std::vector<KindName<IcKind>>& kind_names<IcKind>() {
  static const std::vector<KindName<IcKind>> names = [] {
    std::vector<KindName<IcKind>> n;
    for (const IcFamily& f : ic_families()) n.push_back({f.kind, f.name});
    return n;
  }();
  return names;
}

std::string InitialCondition::label() const {
  const IcFamily& f = ic_family(kind);
  std::ostringstream os;
  os << f.name << "(A=" << amplitude;
  if (f.parameter) os << "," << f.label_parameter << "=" << shape;
  os << ")";
  return os.str();
}

Eigen::VectorXd sample_initial_condition(const InitialCondition& ic, int n, double length) {
  Eigen::VectorXd u(n);
  ic_family(ic.kind).sample(ic, length, u);
  return u;
}

}  // namespace npde
