#include "cli/args.hpp"
#include "cli/commands.hpp"

namespace npde::cli {

ParsedArgs parse_args(int argc, char** argv, const std::set<std::string>& with_value,
                      const std::set<std::string>& flags) {
  ParsedArgs out;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0 || a == "--") {
      out.positional.push_back(a);
      continue;
    }
    std::string value;
    const size_t eq = a.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
    }
    if (flags.count(a)) {
      if (inline_value) throw UsageError("option " + a + " takes no value");
      out.options[a] = "";
    } else if (with_value.count(a)) {
      if (!inline_value) {
        if (i + 1 >= argc) throw UsageError("option " + a + " needs a value");
        value = argv[++i];
      }
      out.options[a] = value;
    } else {
      throw UsageError("unknown option " + a);
    }
  }
  return out;
}

std::optional<int> parse_command(const std::string& command, const char* help, int argc, char** argv,
                                 const std::set<std::string>& with_value, std::set<std::string> flags,
                                 size_t positionals, const std::string& positional_what, ParsedArgs& args) {
  flags.insert({"--help", "-h"});
  try {
    args = parse_args(argc, argv, with_value, flags);
    if (args.has("--help") || args.has("-h")) {
      std::cout << help;
      return 0;
    }
    if (args.positional.size() != positionals) throw UsageError("expected exactly one " + positional_what);
  } catch (const UsageError& e) {
    return report_error(command, e, ErrorKind::input);
    return 2;
  }
  return std::nullopt;
}

long parse_count(const std::string& option, const std::string& value) {
  size_t used = 0;
  long v = -1;
  try {
    v = std::stol(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || v < 0) throw UsageError(option + " needs a non-negative integer, got '" + value + "'");
  return v;
}

}  // namespace npde::cli
