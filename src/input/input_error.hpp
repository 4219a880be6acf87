#pragma once
// A problem with something the user wrote: which file, which line, which key, and what is wrong.
// The command line prints it as "FILE:LINE: KEY: MESSAGE" and exits with code 2.
#include <stdexcept>
#include <string>

#include "input/error.hpp"

namespace npde {

class InputError : public Error {
 public:
  InputError(std::string file, long line, std::string key, const std::string& message)
      : Error(ErrorKind::input, format(file, line, key, message)),
        file_(std::move(file)),
        line_(line),
        key_(std::move(key)),
        message_(message) {}

  const std::string& file() const { return file_; }
  long line() const { return line_; }       // 0 when the problem is the whole file
  const std::string& key() const { return key_; }  // dotted path, empty when not about one key
  const std::string& message() const { return message_; }  // what is wrong, without file, line and key

 private:
  static std::string format(const std::string& file, long line, const std::string& key, const std::string& msg) {
    std::string s = file;
    if (line > 0) s += ":" + std::to_string(line);
    s += ": ";
    if (!key.empty()) s += key + ": ";
    return s + msg;
  }
  std::string file_;
  long line_;
  std::string key_;
  std::string message_;
};

}  // namespace npde
