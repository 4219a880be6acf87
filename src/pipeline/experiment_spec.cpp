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

template <>
const std::vector<KindName<NetworkKind>>& kind_names<NetworkKind>() {
  static const std::vector<KindName<NetworkKind>> n = {{NetworkKind::mlp, "mlp"}, {NetworkKind::cnn, "cnn"}};
  return n;
}

Network ExperimentSpec::network() const {
  if (network_kind == NetworkKind::cnn) return Cnn(pde.resolution, channels, kernel);
  std::vector<int> w{pde.resolution};
  w.insert(w.end(), hidden.begin(), hidden.end());
  w.push_back(pde.resolution);
  return Mlp(w);
}

std::vector<int> ExperimentSpec::seed_basis() const {
  std::vector<int> w{pde.resolution};
  w.insert(w.end(), hidden.begin(), hidden.end());
  w.push_back(pde.resolution);
  if (network_kind == NetworkKind::cnn) {
    w = {pde.resolution, -1, kernel};
    w.insert(w.end(), channels.begin(), channels.end());
  }
  return w;
}

}  // namespace npde
