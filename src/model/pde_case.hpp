#pragma once
// The two PDE cases of docs/science.md and which term of each is learned:
//   burgers: truth  u_t = -u D1[train] u + nu D2[fixed] u
//            model  u_t = -u D1[infer] u + NN(u)                      (NN replaces diffusion)
//   gkdv:    truth  u_t = w0 D1[fixed] u - 1.5 u D1[fixed] u - 1/6 D3[train] u
//            model  u_t = NN(u) - 1/6 D3[infer] u                     (NN replaces rotation+advection)
// The "train" and "infer" stencils are the grid's axes; `fixed` is the case's other stencil.
#include <string>
#include <vector>

#include "model/known_terms.hpp"

namespace npde {

struct PdeSettings {
  std::string name;             // "burgers" or "gkdv"
  int resolution = 0;           // N
  double length = 0.0;          // L
  double viscosity = 0.0;       // burgers: nu
  double rotation = 0.0;        // gkdv: w0
  std::string fixed_stencil;    // burgers: D2 of the diffusion; gkdv: D1 of rotation and advection

  double dx() const { return length / resolution; }
};

const std::vector<std::string>& pde_case_names();

// Derivative order of the term whose stencil the grid varies (burgers 1, gkdv 3).
int varied_derivative(const std::string& case_name);
// Derivative order of the case's fixed stencil (burgers 2, gkdv 1).
int fixed_derivative(const std::string& case_name);
// The fixed stencil the paper used (burgers central6, gkdv central2).
std::string default_fixed_stencil(const std::string& case_name);

KnownTerms make_truth_terms(const PdeSettings& pde, const std::string& train_stencil);
KnownTerms make_model_known_terms(const PdeSettings& pde, const std::string& infer_stencil);
// The term the network replaces, with exact (spectral) derivatives: the continuous physics
// (burgers nu u_xx; gkdv w0 u_x - 1.5 u u_x).
KnownTerms make_physics_closure_terms(const PdeSettings& pde);

// Human-readable right-hand sides, stored in result files beside the numbers.
std::string truth_formula(const PdeSettings& pde, const std::string& train_stencil);
std::string model_formula(const PdeSettings& pde, const std::string& infer_stencil);

}  // namespace npde
