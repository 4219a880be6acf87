#pragma once
// Keeps two runs from writing one store: an exclusive flock on STORE.d/lock for the lifetime
// of this object, released by the kernel if the process dies. The file names the holder
// (host, pid, SLURM job id) for the message the second run prints.
#include <stdexcept>
#include <string>

namespace npde {

class StoreLocked : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class StoreLock {
 public:
  explicit StoreLock(const std::string& lock_path);
  ~StoreLock();
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace npde
