#include "sched/watchdog.hpp"

#include <chrono>
#include <cstdlib>
#include <unistd.h>

#include <fmt/format.h>

#include "input/error.hpp"

namespace npde::sched {

double collective_timeout_seconds() {
  const char* v = std::getenv("NPDESWEEP_COLLECTIVE_TIMEOUT");
  char* end = nullptr;
  const double s = v ? std::strtod(v, &end) : 600.0;
  return v && (end == v || *end != '\0' || !(s > 0)) ? 600.0 : s;
}

Watchdog::Watchdog(std::string step, int rank, double seconds)
    : thread_([this, step = std::move(step), rank, seconds] {
        std::unique_lock<std::mutex> lock(mutex_);
        if (over_.wait_for(lock, std::chrono::duration<double>(seconds), [this] { return done_; })) return;
        const std::string message = fmt::format(
            "npdesweep run (rank {}): {} did not finish within {:g} s (a full or failing file system? HDF5's "
            "collective calls can wait for ever then); ending the run with exit {} (NPDESWEEP_COLLECTIVE_TIMEOUT "
            "sets the limit). Committed cells are kept; free space or fix the file system, then rerun\n",
            rank, step, seconds, kExitAborted);
        [[maybe_unused]] const ssize_t n = ::write(2, message.data(), message.size());
        ::_exit(kExitAborted);
      }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
  }
  over_.notify_one();
  thread_.join();
}

}  // namespace npde::sched
