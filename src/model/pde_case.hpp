#pragma once
// A PDE case is data: a right-hand side written as a sum of terms
//     coefficient * u^p * D_k(u^q)          (k = 0..4; D_0 is the identity)
// each saying which stencil its derivative uses, and which of them the network replaces.
//
//   burgers (cases/burgers.toml):  truth  u_t = -u D1[train] u + nu D2[fixed] u
//                                  model  u_t = -u D1[infer] u + NN(u)
//   gkdv    (cases/gkdv.toml):     truth  u_t = w0 D1[fixed] u - 1.5 u D1[fixed] u - 1/6 D3[train] u
//                                  model  u_t = NN(u) - 1/6 D3[infer] u
//
// A term's stencil is `varied` (the grid's training stencil in the truth data, its inference
// stencil in the model), `fixed` (the job's pde.fixed_stencil, defaulting to the case's), `exact`
// (spectral) or a stencil name. The truth right-hand side is every term; the model's known terms
// are the terms not learned; the physics closure is the learned terms with exact derivatives.
// Everything else (tangent, adjoint, substep bound, flop count, formulas) follows from the terms.
// Reading cases from TOML is spec/case_file.hpp; this header is the numerics' view of a case.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/known_terms.hpp"

namespace npde {

enum class StencilRole { Varied, Fixed, Exact, Named };

struct CaseTerm {
  std::string name;           // e.g. "advection"
  double coefficient = 1.0;   // times the parameter's value when `parameter` is set
  std::string parameter;      // empty, or the name of one of the case's parameters
  int u_power = 0;            // p
  int derivative = 0;         // k, 0..4
  int inner_power = 1;        // q >= 1
  StencilRole role = StencilRole::Varied;  // ignored when derivative == 0
  std::string stencil;        // the stencil name for StencilRole::Named
  bool learned = false;       // replaced by the network in the NeuralPDE
};

struct CaseParameter {
  std::string name;
  std::string rule = "finite";          // "finite" or "positive"
  std::optional<double> default_value;  // absent: the job must give it
  std::string description;
};

struct PdeCase {
  std::string name;
  std::string description;
  bool builtin = false;                 // shipped in cases/ (a job names it; no text is stored)
  std::string source;                   // where it was read from, for messages
  std::optional<double> length;         // default domain length
  std::string fixed_stencil;            // default for `fixed` terms; empty when none is fixed
  std::vector<CaseParameter> parameters;
  std::vector<CaseTerm> terms;

  bool uses(StencilRole role) const;
  int parameter_index(const std::string& name) const;  // -1 when unknown
};

struct PdeSettings {
  std::string name;                          // the case's name
  std::shared_ptr<const PdeCase> pde_case;   // its definition
  std::vector<double> parameters;            // values, in the case's parameter order
  int resolution = 0;                        // N
  double length = 0.0;                       // L
  std::string fixed_stencil;                 // stencil of the case's `fixed` terms

  double dx() const { return length / resolution; }
  double parameter(const std::string& name) const;  // throws std::invalid_argument when unknown
};

// Which terms a right-hand side takes and which stencil stands for `varied`.
enum class TermSet {
  Truth,    // every term; `varied` is the training stencil
  Model,    // the terms not learned; `varied` is the inference stencil
  Physics,  // the learned terms, every derivative spectral (the continuous closure)
  Learned,  // the learned terms as the truth has them (`varied` is the training stencil)
};

// The stencil a term uses in a term set ("" for derivative 0).
std::string term_stencil(const PdeSettings& pde, const CaseTerm& term, TermSet set, const std::string& varied);
// The term's coefficient with its parameter applied.
double term_coefficient(const PdeSettings& pde, const CaseTerm& term);
bool in_set(const CaseTerm& term, TermSet set);

KnownTerms make_terms(const PdeSettings& pde, TermSet set, const std::string& varied_stencil);
inline KnownTerms make_truth_terms(const PdeSettings& pde, const std::string& train_stencil) {
  return make_terms(pde, TermSet::Truth, train_stencil);
}
inline KnownTerms make_model_known_terms(const PdeSettings& pde, const std::string& infer_stencil) {
  return make_terms(pde, TermSet::Model, infer_stencil);
}
inline KnownTerms make_physics_closure_terms(const PdeSettings& pde) { return make_terms(pde, TermSet::Physics, ""); }

// Human-readable right-hand sides, stored in result files beside the numbers, e.g.
// "u_t = -1 * u * D1[central2](u) + 0.03 * D2[central6](u)"; the model's adds "+ NN(u)".
std::string rhs_formula(const PdeSettings& pde, TermSet set, const std::string& varied_stencil);
inline std::string truth_formula(const PdeSettings& pde, const std::string& s) { return rhs_formula(pde, TermSet::Truth, s); }
inline std::string model_formula(const PdeSettings& pde, const std::string& s) { return rhs_formula(pde, TermSet::Model, s); }

}  // namespace npde
