#include "store/store_lock.hpp"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "store/posix_io.hpp"

namespace npde {

StoreLock::StoreLock(const std::string& lock_path) {
  fd_ = posix::open(lock_path, O_RDWR | O_CREAT | O_NOFOLLOW);  // a symlinked lock would truncate its target
  const int injected = posix::injected_error("flock", lock_path);  // test hook: NPDESWEEP_IO_FAULT
  if (injected || ::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = injected ? injected : errno;
    std::string holder;
    try {
      holder = posix::read_file(lock_path);
    } catch (const std::exception&) {
    }
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK)
      throw StoreLocked("the store is being written by another run (" +
                        (holder.empty() ? std::string("holder unknown") : holder) + "); lock file " + lock_path);
    throw posix::IoError("flock", lock_path, err);
  }
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  const char* job = std::getenv("SLURM_JOB_ID");
  const std::string who = std::string("host ") + host + ", pid " + std::to_string(getpid()) +
                          (job ? std::string(", SLURM job ") + job : std::string());
  // Who holds the lock, for the message a second run prints. A lock file that cannot be written
  // is an I/O failure like any other: the run stops before it touches the store.
  try {
    if (::ftruncate(fd_, 0) != 0) throw posix::IoError("ftruncate", lock_path, errno);
    posix::write_all(fd_, who.data(), who.size(), lock_path);
  } catch (...) {
    ::close(fd_);
    fd_ = -1;
    throw;
  }
}

StoreLock::~StoreLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace npde
