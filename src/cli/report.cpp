#include <cerrno>
#include <cstdio>
#include <iostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "store/store_reader.hpp"

namespace npde::cli {

int error_exit_code(const std::exception& e, ErrorKind fallback) {
  const auto* error = dynamic_cast<const Error*>(&e);
  return exit_code(error ? error->kind() : fallback);
}

std::string error_message(const std::string& command, const std::exception& e, const std::string& context) {
  std::string m = "npdesweep " + command + ": " + context + e.what();
  if (dynamic_cast<const UsageError*>(&e)) m += " (see npdesweep " + command + " --help)";
  if (const auto* io = dynamic_cast<const IoError*>(&e); io && io->error_number() == EAGAIN)
    m += " (exit 4: not bad input; the store is readable again once its rebuild is finished)";
  else if (const auto* error = dynamic_cast<const Error*>(&e); error && error->kind() == ErrorKind::io)
    m += kIoErrorHint;
  return m;
}

int report_error(const std::string& command, const std::exception& e, ErrorKind fallback, const std::string& context) {
  std::cerr << error_message(command, e, context) << "\n";
  return error_exit_code(e, fallback);
}

}  // namespace npde::cli

namespace npde::cli {

void note_outside_view(const char* command, const StoreContents& store, bool all) {
  if (all || store.outside_view <= 0) return;
  std::fprintf(stderr,
               "npdesweep %s: note: the store holds %ld finished cells outside its current sweep (an earlier sweep's "
               "after a growth, or another copy's after a merge), left out here; --all includes them (in_sweep = 0)\n",
               command, store.outside_view);
}

}  // namespace npde::cli
