#include "store/store_lock.hpp"

#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

namespace npde {

// O_NOFOLLOW: a lock file that is a symbolic link would truncate its target.
StoreLock::StoreLock(const std::string& lock_path) : file_(lock_path, O_RDWR | O_CREAT | O_NOFOLLOW) {
  if (!file_.try_lock()) {
    std::string holder;
    try {
      holder = posix::read_file(lock_path);
    } catch (const std::exception&) {
    }
    throw StoreLocked("the store is being written by another run (" +
                      (holder.empty() ? std::string("holder unknown") : holder) + "); lock file " + lock_path);
  }
  // Who holds the lock, for the message a second run prints. A lock file that cannot be written
  // is an I/O failure like any other: the run stops before it touches the store.
  const char* job = std::getenv("SLURM_JOB_ID");
  const std::string who = "host " + posix::host_name() + ", pid " + std::to_string(getpid()) +
                          (job ? std::string(", SLURM job ") + job : std::string());
  file_.truncate(0);
  file_.write_all(who.data(), who.size());
}

}  // namespace npde
