#include "pipeline/closure.hpp"

#include <cmath>

namespace npde {

ClosureErrors closure_errors(NeuralRhs& model, const Vector& theta, const KnownTerms& truth_terms,
                             const KnownTerms& physics_closure, const Matrix& states) {
  const long n = model.size();
  Vector f_model(n), known(n), network(n), discrete(n), physics(n);
  double miss_discrete = 0, norm_discrete = 0, miss_physics = 0, norm_physics = 0;
  model.set_parameters(theta);
  for (long c = 0; c < states.cols(); ++c) {
    const Vector u = states.col(c);
    model.eval(-1, u, f_model);
    model.known().eval(u.data(), known.data());
    network = f_model - known;
    truth_terms.eval(u.data(), discrete.data());
    discrete -= known;
    physics_closure.eval(u.data(), physics.data());
    miss_discrete += (network - discrete).squaredNorm();
    norm_discrete += discrete.squaredNorm();
    miss_physics += (network - physics).squaredNorm();
    norm_physics += physics.squaredNorm();
  }
  return {std::sqrt(miss_discrete / norm_discrete), std::sqrt(miss_physics / norm_physics)};
}

}  // namespace npde
