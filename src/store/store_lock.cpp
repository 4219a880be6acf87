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
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
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
  if (::ftruncate(fd_, 0) == 0) posix::write_all(fd_, who.data(), who.size(), lock_path);
}

StoreLock::~StoreLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace npde
