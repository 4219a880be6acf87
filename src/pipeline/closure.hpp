#pragma once
// What did the network learn? Two candidate closures for the term it replaces, evaluated on
// truth states (docs/science.md, "Analysis"):
//   discrete: f_truth(u) - known_model(u), the closure that makes the NeuralPDE reproduce the
//             truth discretisation exactly: the replaced term with the data's stencils plus
//             the mismatch between the data's and the model's stencils (truncation error);
//   physics:  the replaced term with exact (spectral) derivatives, the continuous physics.
// Each error is ||NN(u) - closure(u)|| / ||closure(u)||, summed over all the states
// (Frobenius). A network that learned the discretisation is close to the first and far from
// the second.
#include "model/known_terms.hpp"
#include "model/neural_rhs.hpp"

namespace npde {

struct ClosureErrors {
  double discrete = 0.0, physics = 0.0;
};

ClosureErrors closure_errors(NeuralRhs& model, const Vector& theta, const KnownTerms& truth_terms,
                             const KnownTerms& physics_closure, const Matrix& states);

}  // namespace npde
