#pragma once
// Each subcommand takes its own argv (argv[0] is the subcommand name) and returns the exit code.
#include <exception>
#include <string>

#include "input/error.hpp"

namespace npde {
struct StoreContents;
}

namespace npde::cli {

// The exit codes (kExitOk .. kExitAborted) are spec/error.hpp's, with its table of error kinds.
// Appended to the message of an I/O error (exit kExitAborted).
constexpr const char* kIoErrorHint = " (an I/O error, not bad input: run again once the file system is back)";

// The one place an error becomes a message on stderr and an exit code (spec/error.hpp's table):
// "npdesweep COMMAND: [context]MESSAGE", with the I/O hint for io errors and a pointer to --help
// for usage errors. An exception that carries no kind (from a library) counts as `fallback`.
int report_error(const std::string& command, const std::exception& e, ErrorKind fallback,
                 const std::string& context = "");
// The message and code without printing (for `run`, whose master prints after a broadcast).
std::string error_message(const std::string& command, const std::exception& e, const std::string& context = "");
int error_exit_code(const std::exception& e, ErrorKind fallback);

// Said on stderr by the readers (query, export, summarize) when the stores hold finished cells
// they leave out without --all (an earlier sweep's after a growth, or another copy's after a
// merge): the numbers shown are not all the store has.
void note_outside_view(const char* command, const StoreContents& store, bool all);

int run_one(int argc, char** argv);
int summarize(int argc, char** argv);
int identify(int argc, char** argv);
int plan(int argc, char** argv);
int run(int argc, char** argv);
int repair(int argc, char** argv);
int merge(int argc, char** argv);
int status(int argc, char** argv);
int query(int argc, char** argv);
int schema(int argc, char** argv);
int export_store(int argc, char** argv);
int show(int argc, char** argv);
int extract(int argc, char** argv);

}  // namespace npde::cli
