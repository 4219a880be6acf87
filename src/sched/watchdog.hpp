#pragma once
// A bound on a collective step that can hang on a failing file system: Debian 12's HDF5 1.10
// can wait for ever in its collective flush when the disk fills while a store is being created.
// While a Watchdog lives, a thread of its own waits; if the step is not over within the limit,
// it says which step hung on which rank and ends the process with exit 4 (kExitAborted: a
// failure of the system, which batch scripts requeue). mpirun then ends the other ranks. The
// thread calls no MPI and no HDF5: only write(2) and _exit(2).
//
// The limit: NPDESWEEP_COLLECTIVE_TIMEOUT seconds, 600 by default (a store's creation takes
// well under a second on a local disk and seconds on a busy parallel file system).
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace npde::sched {

double collective_timeout_seconds();

class Watchdog {
 public:
  Watchdog(std::string step, int rank, double seconds = collective_timeout_seconds());
  ~Watchdog();  // the step is over: the thread ends
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable over_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace npde::sched
