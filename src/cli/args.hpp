#pragma once
// A command's options, each declared once with its help text, on CLI11 (libcli11-dev): --help is
// generated from the declarations, the --name=VALUE form and repeated options (--where) are the
// parser's, and every usage error is one line "npdesweep CMD: ... (see npdesweep CMD --help)"
// with exit code 2. CLI11 replaced a hand-written scanner; it brings the generated help,
// validators and repeated options that the scanner lacked.
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "pipeline/kind_names.hpp"
#include "input/error.hpp"

namespace npde::cli {

using npde::UsageError;  // spec/error.hpp

class CommandLine {
 public:
  // `description`: what the command does (the first paragraph of --help); `footer`: what follows
  // the options (examples, exit codes).
  CommandLine(const std::string& command, const std::string& description, const std::string& footer = "");

  CLI::App& app() { return app_; }
  // Declares the positional argument NAME, an option taking a value, a flag; help text is
  // wrapped to the terminal-friendly width of the --help page.
  template <class T>
  CLI::Option* positional(const std::string& name, T& value, const std::string& help) {
    return app_.add_option(name, value, wrap(help))->required();
  }
  template <class T>
  CLI::Option* option(const std::string& name, T& value, const std::string& help, const std::string& what) {
    return app_.add_option(name, value, wrap(help))->type_name(what);
  }
  CLI::Option* flag(const std::string& name, bool& value, const std::string& help);
  // An option whose value is one of a closed set E, spelled by kind_names<E>()
  // (pipeline/experiment_spec.hpp): a wrong value is a UsageError naming the allowed ones.
  template <class E>
  CLI::Option* kind_option(const std::string& name, E& value, const std::string& help, const std::string& what) {
    return app_
        .add_option_function<std::string>(
            name,
            [&value, name](const std::string& text) {
              try {
                value = kind_from_name<E>(text);
              } catch (const std::invalid_argument& e) {
                throw UsageError(name + ": " + e.what());
              }
            },
            wrap(help))
        ->type_name(what);
  }

  static std::string wrap(const std::string& text);

  // Parses argv (argv[0] is the command's name). Returns the exit code when the command is done
  // (0 after printing --help, 2 after a usage error), nullopt when it should go on.
  std::optional<int> parse(int argc, char** argv);
  bool given(const std::string& option) const { return app_.count(option) > 0; }

 private:
  std::string command_;
  CLI::App app_;
};

// Parses a non-negative integer option value or throws UsageError naming the option.
long parse_count(const std::string& option, const std::string& value);

}  // namespace npde::cli
