#pragma once
// One error type with a kind, and one table from kinds to exit codes that every command uses
// (cli/report.cpp prints the message):
//   kind       exit  what went wrong
//   input      2     something the user wrote: a file (FILE:LINE: KEY: ...) or an option
//   bad_file   2     a file that is not what it should be: not a store or result file, damaged
//   busy       2     another run holds the store (its lock names the holder)
//   io         4     the system failed (an errno: a full or failing file system); nothing is
//                    wrong with the input, running again later may work
// A cell that diverges or fails is a result, not an error (exit 1 where a command reports it).
#include <stdexcept>
#include <string>

namespace npde {

enum class ErrorKind { input, bad_file, busy, io };

constexpr int exit_code(ErrorKind kind) { return kind == ErrorKind::io ? 4 : 2; }

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

}  // namespace npde
