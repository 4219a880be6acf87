#pragma once
// A file of the source tree as text (docs, sources), for the tests that check the docs against
// the code.
#include <fstream>
#include <sstream>
#include <string>

namespace npde::testing {

inline std::string read_text(const std::string& relative) {
  std::ifstream in(std::string(NPDESWEEP_SOURCE_DIR) + "/" + relative);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace npde::testing
