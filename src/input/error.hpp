#pragma once
// The program's exit codes, and one error type with a kind whose kind alone decides the exit
// code; every command reports errors through this table (cli/report.cpp prints the message):
//   kind       type                        exit  what went wrong
//   input      InputError (spec/input_error.hpp: FILE:LINE: KEY: ...), UsageError (an option)
//                                          2     something the user wrote
//   bad_file   BadFileError                2     a file that is not what it should be: not a
//                                                store or result file, damaged
//   busy       StoreLocked (store/store_lock.hpp)
//                                          2     another run holds the store (the lock names it)
//   io         IoError                     4     the system failed (an errno: a full or failing
//                                                file system); nothing is wrong with the input,
//                                                running again later may work (IoError with
//                                                EACCES or EPERM is kind input: exit 2)
// A cell that diverges or fails is a result, not an error (exit 1 where a command reports it).
#include <cerrno>
#include <stdexcept>
#include <string>

namespace npde {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;       // an experiment diverged or failed (a result, recorded)
constexpr int kExitBadInput = 2;     // kinds input, bad_file, busy
constexpr int kExitInterrupted = 3;  // `run` drained (a signal, a time limit): run again to resume
// Stopped by a failure of the system, not of the input (kind io): `run` by an error outside the
// cells (file system, MPI, a lost rank; what was committed is kept, rerunning resumes; batch
// scripts requeue on it, not on 1), a reader by an I/O error on its file.
constexpr int kExitAborted = 4;

enum class ErrorKind { input, bad_file, busy, io };

constexpr int exit_code(ErrorKind kind) { return kind == ErrorKind::io ? kExitAborted : kExitBadInput; }

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message, int error_number = 0)
      : std::runtime_error(message), kind_(kind), errno_(error_number) {}
  ErrorKind kind() const noexcept { return kind_; }
  int error_number() const noexcept { return errno_; }  // the errno of an io error, else 0

 private:
  ErrorKind kind_;
  int errno_;
};

// A file that is not what it should be: not HDF5, not a store, damaged, another sweep's.
class BadFileError : public Error {
 public:
  explicit BadFileError(const std::string& message) : Error(ErrorKind::bad_file, message) {}
};

// The system failed: an errno from the file system (the POSIX seam, HDF5's driver) or MPI.
// A permission error (EACCES, EPERM) is not the system failing: the file system works and the
// same user will meet the same error again (another member of a group on a store whose files
// lack group write), so it is bad input for that user, exit 2, and batch scripts do not requeue.
class IoError : public Error {
 public:
  explicit IoError(const std::string& message, int error_number = 0)
      : Error(is_permission(error_number) ? ErrorKind::input : ErrorKind::io, message, error_number) {}
  static constexpr bool is_permission(int error_number) { return error_number == EACCES || error_number == EPERM; }
};

// A wrong option or argument count; reported with a pointer to the command's --help.
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(ErrorKind::input, message) {}
};

}  // namespace npde
