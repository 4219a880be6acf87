#pragma once
// Text read from a file (a name, an attribute, a message), safe to print on a terminal: its
// control characters (below 0x20, and 0x7f) written as \xHH, so an escape sequence cannot repaint
// the user's terminal. One implementation for the readers' tables and the store's messages.
#include <string>

namespace npde {

std::string printable(const std::string& text);

}  // namespace npde
