#include "pipeline/experiment_spec.hpp"

#include <sstream>
#include <stdexcept>

namespace npde {

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
const std::vector<KindName<OneShotLoss>>& kind_names<OneShotLoss>() {
  static const std::vector<KindName<OneShotLoss>> n = {{OneShotLoss::final, "final"},
                                                       {OneShotLoss::trajectory, "trajectory"}};
  return n;
}

template <>
const std::vector<KindName<FieldsKept>>& kind_names<FieldsKept>() {
  static const std::vector<KindName<FieldsKept>> n = {
      {FieldsKept::none, "none"}, {FieldsKept::rollouts, "rollouts"}, {FieldsKept::all, "all"}};
  return n;
}

std::vector<int> ExperimentSpec::network_widths() const {
  std::vector<int> w{pde.resolution};
  w.insert(w.end(), hidden.begin(), hidden.end());
  w.push_back(pde.resolution);
  return w;
}

}  // namespace npde
