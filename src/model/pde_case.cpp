#include "model/pde_case.hpp"

#include <sstream>
#include <stdexcept>

namespace npde {
namespace {

void check_case(const std::string& name) {
  if (name != "burgers" && name != "gkdv") throw std::invalid_argument("unknown PDE case '" + name + "'");
}

Stencil stencil(const PdeSettings& pde, const std::string& name, int derivative) {
  return make_stencil(name, derivative, pde.resolution, pde.dx());
}

}  // namespace

const std::vector<std::string>& pde_case_names() {
  static const std::vector<std::string> names = {"burgers", "gkdv"};
  return names;
}

int varied_derivative(const std::string& case_name) {
  check_case(case_name);
  return case_name == "burgers" ? 1 : 3;
}

int fixed_derivative(const std::string& case_name) {
  check_case(case_name);
  return case_name == "burgers" ? 2 : 1;
}

std::string default_fixed_stencil(const std::string& case_name) {
  check_case(case_name);
  return case_name == "burgers" ? "central6" : "central2";
}

KnownTerms make_truth_terms(const PdeSettings& pde, const std::string& train_stencil) {
  KnownTerms terms(pde.resolution);
  if (pde.name == "burgers") {
    terms.set_advection(-1.0, stencil(pde, train_stencil, 1));
    terms.set_linear(combine({{pde.viscosity, stencil(pde, pde.fixed_stencil, 2)}}));
  } else {
    check_case(pde.name);
    const Stencil d1 = stencil(pde, pde.fixed_stencil, 1);
    terms.set_advection(-1.5, d1);
    terms.set_linear(combine({{pde.rotation, d1}, {-1.0 / 6.0, stencil(pde, train_stencil, 3)}}));
  }
  return terms;
}

KnownTerms make_model_known_terms(const PdeSettings& pde, const std::string& infer_stencil) {
  KnownTerms terms(pde.resolution);
  if (pde.name == "burgers") {
    terms.set_advection(-1.0, stencil(pde, infer_stencil, 1));
  } else {
    check_case(pde.name);
    terms.set_linear(combine({{-1.0 / 6.0, stencil(pde, infer_stencil, 3)}}));
  }
  return terms;
}

KnownTerms make_physics_closure_terms(const PdeSettings& pde) {
  KnownTerms terms(pde.resolution);
  if (pde.name == "burgers") {
    terms.set_linear(combine({{pde.viscosity, stencil(pde, "spectral", 2)}}));
  } else {
    check_case(pde.name);
    const Stencil d1 = stencil(pde, "spectral", 1);
    terms.set_advection(-1.5, d1);
    terms.set_linear(combine({{pde.rotation, d1}}));
  }
  return terms;
}

std::string truth_formula(const PdeSettings& pde, const std::string& train_stencil) {
  std::ostringstream os;
  if (pde.name == "burgers")
    os << "u_t = -u * D1[" << train_stencil << "] u + " << pde.viscosity << " * D2[" << pde.fixed_stencil << "] u";
  else
    os << "u_t = " << pde.rotation << " * D1[" << pde.fixed_stencil << "] u - 1.5 * u * D1[" << pde.fixed_stencil
       << "] u - (1/6) * D3[" << train_stencil << "] u";
  return os.str();
}

std::string model_formula(const PdeSettings& pde, const std::string& infer_stencil) {
  if (pde.name == "burgers") return "u_t = -u * D1[" + infer_stencil + "] u + NN(u)";
  return "u_t = NN(u) - (1/6) * D3[" + infer_stencil + "] u";
}

}  // namespace npde
