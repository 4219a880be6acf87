#pragma once
// Each subcommand takes its own argv (argv[0] is the subcommand name) and returns the exit code.
#include <exception>
#include <string>

#include "spec/error.hpp"

namespace npde::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInterrupted = 3;
// Stopped by a failure of the system, not of the input: `run` by an error outside the cells
// (file system, MPI, a lost rank; what was committed is kept, rerunning resumes; batch scripts
// requeue on it, not on 1), a reader (status, query, summarize) by an I/O error on its file.
constexpr int kExitAborted = 4;
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

int run_one(int argc, char** argv);
int summarize(int argc, char** argv);
int plan(int argc, char** argv);
int run(int argc, char** argv);
int repair(int argc, char** argv);
int status(int argc, char** argv);
int query(int argc, char** argv);
int export_store(int argc, char** argv);
int show(int argc, char** argv);
int extract(int argc, char** argv);

}  // namespace npde::cli
