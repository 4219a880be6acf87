#include "pipeline/experiment_spec.hpp"

#include "pipeline/network_kinds.hpp"

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

template <>
const std::vector<KindName<TruthCorrection>>& kind_names<TruthCorrection>() {
  static const std::vector<KindName<TruthCorrection>> n = {{TruthCorrection::none, "none"},
                                                           {TruthCorrection::richardson, "richardson"}};
  return n;
}

template <>
const std::vector<KindName<PseudospectralSearch>>& kind_names<PseudospectralSearch>() {
  static const std::vector<KindName<PseudospectralSearch>> n = {{PseudospectralSearch::rays, "rays"},
                                                                {PseudospectralSearch::global, "global"}};
  return n;
}

Network ExperimentSpec::network() const { return network_kind_entry(network_kind).build(*this); }

std::vector<int> ExperimentSpec::seed_basis() const { return network_kind_entry(network_kind).seed_basis(*this); }

}  // namespace npde
