#include "pipeline/closure.hpp"

#include <cmath>

#include "pipeline/closure_fit.hpp"

namespace npde {

ClosureErrors closure_errors(NeuralRhs& model, const Vector& theta, const KnownTerms& truth_terms,
                             const KnownTerms& physics_closure, const Matrix& states) {
  const long n = model.size();
  const Matrix network = network_outputs(model, theta, states);
  Vector known(n), discrete(n), physics(n);
  double miss_discrete = 0, norm_discrete = 0, miss_physics = 0, norm_physics = 0;
  for (long c = 0; c < states.cols(); ++c) {
    const Vector u = states.col(c);
    model.known().eval(u.data(), known.data());
    truth_terms.eval(u.data(), discrete.data());
    discrete -= known;
    physics_closure.eval(u.data(), physics.data());
    miss_discrete += (network.col(c) - discrete).squaredNorm();
    norm_discrete += discrete.squaredNorm();
    miss_physics += (network.col(c) - physics).squaredNorm();
    norm_physics += physics.squaredNorm();
  }
  return {std::sqrt(miss_discrete / norm_discrete), std::sqrt(miss_physics / norm_physics)};
}

}  // namespace npde
