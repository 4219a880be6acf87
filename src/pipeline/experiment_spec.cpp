#include "pipeline/experiment_spec.hpp"

#include <sstream>
#include <stdexcept>

namespace npde {

std::string InitialCondition::label() const {
  std::ostringstream os;
  os << kind << "(A=" << amplitude;
  if (kind == "sine") os << ",c=" << wavelength;
  if (kind == "kink") os << ",w=" << width;
  os << ")";
  return os.str();
}

template <>
const std::vector<KindName<TrainingMode>>& kind_names<TrainingMode>() {
  static const std::vector<KindName<TrainingMode>> n = {{TrainingMode::autoregressive, "autoregressive"},
                                                        {TrainingMode::one_shot, "one_shot"}};
  return n;
}

template <>
const std::vector<KindName<UpdateRule>>& kind_names<UpdateRule>() {
  static const std::vector<KindName<UpdateRule>> n = {{UpdateRule::per_transition, "per_transition"},
                                                      {UpdateRule::summed, "summed"}};
  return n;
}

template <>
const std::vector<KindName<TruthIntegrator>>& kind_names<TruthIntegrator>() {
  static const std::vector<KindName<TruthIntegrator>> n = {{TruthIntegrator::dopri5, "dopri5"},
                                                           {TruthIntegrator::rk4, "rk4"},
                                                           {TruthIntegrator::ifrk4, "ifrk4"},
                                                           {TruthIntegrator::etdrk4, "etdrk4"}};
  return n;
}

template <class E>
E kind_from_name(const std::string& name) {
  std::string allowed;
  for (const auto& k : kind_names<E>()) {
    if (name == k.name) return k.kind;
    allowed += (allowed.empty() ? "" : ", ") + std::string(k.name);
  }
  throw std::invalid_argument("'" + name + "' is not one of " + allowed);
}
template <>
const std::vector<KindName<OneShotLoss>>& kind_names<OneShotLoss>() {
  static const std::vector<KindName<OneShotLoss>> n = {{OneShotLoss::final, "final"},
                                                       {OneShotLoss::trajectory, "trajectory"}};
  return n;
}

template TrainingMode kind_from_name<TrainingMode>(const std::string&);
template OneShotLoss kind_from_name<OneShotLoss>(const std::string&);
template UpdateRule kind_from_name<UpdateRule>(const std::string&);
template TruthIntegrator kind_from_name<TruthIntegrator>(const std::string&);

std::vector<int> ExperimentSpec::network_widths() const {
  std::vector<int> w{pde.resolution};
  w.insert(w.end(), hidden.begin(), hidden.end());
  w.push_back(pde.resolution);
  return w;
}

}  // namespace npde
