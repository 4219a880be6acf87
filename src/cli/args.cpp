#include "cli/args.hpp"

#include <iostream>

#include "cli/commands.hpp"

namespace npde::cli {

CommandLine::CommandLine(const std::string& command, const std::string& description, const std::string& footer)
    : command_(command), app_(description, "npdesweep " + command) {
  app_.footer(footer);
  app_.allow_extras();  // reported below as "unknown option", in our words
  app_.get_formatter()->column_width(30);
}

CLI::Option* CommandLine::flag(const std::string& name, bool& value, const std::string& help) {
  return app_.add_flag(name, value, wrap(help));
}

// Breaks help text into lines of at most 64 characters (CLI11 indents the continuation lines
// to the description column), so --help reads in an 100-column terminal.
std::string CommandLine::wrap(const std::string& text) {
  constexpr size_t kWidth = 64;
  std::string out, line;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (!line.empty() && line.size() + 1 + word.size() > kWidth) {
      out += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    start = end + 1;
  }
  return out + line;
}

std::optional<int> CommandLine::parse(int argc, char** argv) {
  try {
    try {
      app_.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
      std::cout << app_.help();
      return kExitOk;
    } catch (const CLI::ParseError& e) {
      throw UsageError(e.what());
    }
    for (const std::string& extra : app_.remaining()) {
      if (extra.size() > 1 && extra[0] == '-') throw UsageError("unknown option " + extra.substr(0, extra.find('=')));
      throw UsageError("unexpected argument '" + extra + "'");
    }
  } catch (const UsageError& e) {
    return report_error(command_, e, ErrorKind::input);
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
