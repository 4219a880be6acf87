#pragma once
// Keeps two runs from writing one store: an exclusive flock on STORE.d/lock for the lifetime
// of this object, released by the kernel if the process dies. The file names the holder
// (host, pid, SLURM job id) for the message the second run prints.
#include <stdexcept>
#include <string>

#include "input/error.hpp"
#include "store/posix_io.hpp"

namespace npde {

class StoreLocked : public Error {
 public:
  explicit StoreLocked(const std::string& message) : Error(ErrorKind::busy, message) {}
};

class StoreLock {
 public:
  explicit StoreLock(const std::string& lock_path);

 private:
  posix::File file_;  // closing it (with this object) releases the flock
};

}  // namespace npde
