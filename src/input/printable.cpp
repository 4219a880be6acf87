#include "input/printable.hpp"

#include <fmt/format.h>

namespace npde {

std::string printable(const std::string& text) {
  std::string out;
  for (const unsigned char c : text)
    out += c < 0x20 || c == 0x7f ? fmt::format("\\x{:02x}", c) : std::string(1, static_cast<char>(c));
  return out;
}

}  // namespace npde
