#pragma once
// Each subcommand takes its own argv (argv[0] is the subcommand name) and returns the exit code.

namespace npde::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInterrupted = 3;
// `run` only: stopped by an error outside the cells (file system, MPI, a lost rank). What was
// committed is kept; rerunning the command resumes. Batch scripts requeue on it, not on 1.
constexpr int kExitAborted = 4;

int run_one(int argc, char** argv);
int summarize(int argc, char** argv);
int plan(int argc, char** argv);
int run(int argc, char** argv);
int repair(int argc, char** argv);
int status(int argc, char** argv);
int query(int argc, char** argv);

}  // namespace npde::cli
