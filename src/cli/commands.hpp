#pragma once
// Each subcommand takes its own argv (argv[0] is the subcommand name) and returns the exit code.

namespace npde::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInterrupted = 3;
// Stopped by a failure of the system, not of the input: `run` by an error outside the cells
// (file system, MPI, a lost rank; what was committed is kept, rerunning resumes; batch scripts
// requeue on it, not on 1), a reader (status, query, summarize) by an I/O error on its file.
constexpr int kExitAborted = 4;
// Appended to a reader's message when it exits with kExitAborted.
constexpr const char* kIoErrorHint = " (an I/O error, not bad input: run again once the file system is back)";

int run_one(int argc, char** argv);
int summarize(int argc, char** argv);
int plan(int argc, char** argv);
int run(int argc, char** argv);
int repair(int argc, char** argv);
int status(int argc, char** argv);
int query(int argc, char** argv);

}  // namespace npde::cli
