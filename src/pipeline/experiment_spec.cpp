#include "pipeline/experiment_spec.hpp"

#include <sstream>

namespace npde {

std::string InitialCondition::label() const {
  std::ostringstream os;
  os << kind << "(A=" << amplitude;
  if (kind == "sine") os << ",c=" << wavelength;
  if (kind == "kink") os << ",w=" << width;
  os << ")";
  return os.str();
}

std::vector<int> ExperimentSpec::network_widths() const {
  std::vector<int> w{pde.resolution};
  w.insert(w.end(), hidden.begin(), hidden.end());
  w.push_back(pde.resolution);
  return w;
}

}  // namespace npde
