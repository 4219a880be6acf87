#pragma once
// A file of the source tree as text (docs, sources), for the tests that check the docs against
// the code. A file that is not there (a renamed page) throws: an empty text would satisfy every
// "no page says X" check silently.
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace npde::testing {

inline std::string read_text(const std::string& relative) {
  std::ifstream in(std::string(NPDESWEEP_SOURCE_DIR) + "/" + relative);
  if (!in) throw std::runtime_error("cannot read " + relative + " of the source tree (renamed or moved?)");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace npde::testing
