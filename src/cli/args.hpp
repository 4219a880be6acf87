#pragma once
// A small argument scanner: positionals and --name VALUE / --name=VALUE options, no magic.
// Unknown options are usage errors (exit 2) rather than being ignored.
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "spec/error.hpp"

namespace npde::cli {

// A wrong option or argument count; reported with a pointer to the command's --help.
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(ErrorKind::input, message) {}
};

struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // "--out" -> "x.h5"; flags map to ""
  bool has(const std::string& name) const { return options.count(name) > 0; }
  std::string get(const std::string& name, const std::string& fallback = "") const {
    auto it = options.find(name);
    return it == options.end() ? fallback : it->second;
  }
};

// `with_value` lists options that take a value, `flags` those that do not.
ParsedArgs parse_args(int argc, char** argv, const std::set<std::string>& with_value,
                      const std::set<std::string>& flags);

// A subcommand's usual start: parses its options (adding --help/-h), prints `help` for --help
// (returns 0), or one usage line naming the command for a usage error or a positional count
// other than `positionals` (returns 2). Returns nullopt when the command should go on.
std::optional<int> parse_command(const std::string& command, const char* help, int argc, char** argv,
                                 const std::set<std::string>& with_value, std::set<std::string> flags,
                                 size_t positionals, const std::string& positional_what, ParsedArgs& args);

// Parses a non-negative integer option value or throws UsageError naming the option.
long parse_count(const std::string& option, const std::string& value);

}  // namespace npde::cli
