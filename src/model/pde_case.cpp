#include "model/pde_case.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace npde {

bool PdeCase::uses(StencilRole role) const {
  for (const CaseTerm& t : terms)
    if (t.derivative > 0 && t.role == role) return true;
  return false;
}

int PdeCase::parameter_index(const std::string& n) const {
  for (size_t i = 0; i < parameters.size(); ++i)
    if (parameters[i].name == n) return static_cast<int>(i);
  return -1;
}

double PdeSettings::parameter(const std::string& n) const {
  const int i = pde_case ? pde_case->parameter_index(n) : -1;
  if (i < 0 || i >= static_cast<int>(parameters.size()))
    throw std::invalid_argument("case '" + name + "' has no parameter '" + n + "'");
  return parameters[static_cast<size_t>(i)];
}

bool in_set(const CaseTerm& term, TermSet set) {
  switch (set) {
    case TermSet::Truth: return true;
    case TermSet::Model: return !term.learned;
    case TermSet::Physics:
    case TermSet::Learned: return term.learned;
  }
  return false;
}

std::string term_stencil(const PdeSettings& pde, const CaseTerm& term, TermSet set, const std::string& varied) {
  if (term.derivative == 0) return "";
  if (set == TermSet::Physics) return "spectral";
  switch (term.role) {
    case StencilRole::Varied: return varied;
    case StencilRole::Fixed: return pde.fixed_stencil;
    case StencilRole::Exact: return "spectral";
    case StencilRole::Named: return term.stencil;
  }
  return "";
}

double term_coefficient(const PdeSettings& pde, const CaseTerm& term) {
  if (term.parameter.empty()) return term.coefficient;
  return term.coefficient * pde.parameter(term.parameter);  // 1 * value is value, bit for bit
}

KnownTerms make_terms(const PdeSettings& pde, TermSet set, const std::string& varied_stencil) {
  if (!pde.pde_case) throw std::invalid_argument("PDE settings without a case definition ('" + pde.name + "')");
  KnownTerms terms(pde.resolution);
  // Linear terms (p = 0, q = 1) are fused into one stencil, summed in the case's term order;
  // products are evaluated one by one, in the same order, before it.
  std::vector<std::pair<double, Stencil>> linear;
  for (const CaseTerm& t : pde.pde_case->terms) {
    if (!in_set(t, set)) continue;
    const double c = term_coefficient(pde, t);
    std::optional<Stencil> d;
    if (t.derivative > 0)
      d = make_stencil(term_stencil(pde, t, set, varied_stencil), t.derivative, pde.resolution, pde.dx());
    if (t.u_power == 0 && t.inner_power == 1) {
      if (!d) d = Stencil{"identity", 0, {0}, {1.0}};
      linear.emplace_back(c, *d);
    } else {
      terms.add_product(c, t.u_power, t.inner_power, d);
    }
  }
  if (!linear.empty()) terms.set_linear(combine(linear));
  return terms;
}

namespace {

std::string power(const char* base, int p) {
  if (p == 0) return "";
  return p == 1 ? std::string(base) : std::string(base) + "^" + std::to_string(p);
}

}  // namespace

std::string rhs_formula(const PdeSettings& pde, TermSet set, const std::string& varied_stencil) {
  std::ostringstream os;
  os << "u_t =";
  bool first = true;
  for (const CaseTerm& t : pde.pde_case->terms) {
    if (!in_set(t, set)) continue;
    const double c = term_coefficient(pde, t);
    os << (first ? (c < 0 ? " -" : " ") : (c < 0 ? " - " : " + "));
    first = false;
    std::vector<std::string> factors;
    if (std::abs(c) != 1.0) {
      std::ostringstream number;
      number << std::abs(c);
      factors.push_back(number.str());
    }
    if (t.u_power > 0 && t.derivative > 0) factors.push_back(power("u", t.u_power));
    const std::string inner = power("u", t.derivative > 0 ? t.inner_power : t.u_power + t.inner_power);
    if (t.derivative > 0)
      factors.push_back("D" + std::to_string(t.derivative) + "[" + term_stencil(pde, t, set, varied_stencil) + "](" +
                        inner + ")");
    else
      factors.push_back(inner);
    for (size_t i = 0; i < factors.size(); ++i) os << (i ? " * " : "") << factors[i];
  }
  if (set == TermSet::Model) os << (first ? " NN(u)" : " + NN(u)");
  if (first && set != TermSet::Model) os << " 0";
  return os.str();
}

}  // namespace npde
