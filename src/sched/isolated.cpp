#include "sched/isolated.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "input/error.hpp"

namespace npde::sched {
namespace {

// Writes all of `text` to fd (the child's end of the pipe); a parent that is gone is no concern.
void write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

[[noreturn]] void child(int fd, pid_t parent, const std::function<std::string()>& work) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  ::prctl(PR_SET_NAME, "npdesweep-cell");  // in ps and top (comm); its command line is its worker's
  if (::getppid() != parent) ::_exit(111);  // the parent died before the line above
  for (int sig : {SIGINT, SIGTERM, SIGUSR1}) std::signal(sig, SIG_IGN);
  std::string payload;
  int code = 0;
  try {
    payload = work();
  } catch (const std::exception& e) {  // `work` reports its own failures; this is a last resort
    payload = std::string("error: ") + e.what();
    code = 112;
  } catch (...) {
    payload = "error: an exception that is not a std::exception";
    code = 112;
  }
  write_all(fd, payload);
  std::fflush(nullptr);
  ::_exit(code);
}

std::string describe(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    std::string s = "was killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
    if (sig == SIGKILL) s += "; the kernel's out-of-memory killer sends this";
    return s;
  }
  if (WIFEXITED(status))
    return "ended with exit code " + std::to_string(WEXITSTATUS(status)) +
           " before reporting a result (a crash a sanitizer or the runtime caught: the rank's stderr says more)";
  return "ended in an unknown way (wait status " + std::to_string(status) + ")";
}

pid_t wait_for(pid_t pid, int& status) {
  pid_t r;
  do r = ::waitpid(pid, &status, 0);
  while (r < 0 && errno == EINTR);
  return r;
}

}  // namespace

IsolatedOutcome run_isolated(const std::function<std::string()>& work, const std::function<bool()>& should_stop,
                             double poll_seconds) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw IoError(std::string("pipe failed: ") + std::strerror(errno), errno);
  std::fflush(nullptr);  // nothing buffered is written twice, once by each process
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    throw IoError(std::string("fork failed (no process for the cell): ") + std::strerror(err), err);
  }
  if (pid == 0) {
    ::close(fds[0]);
    child(fds[1], parent, work);
  }
  ::close(fds[1]);

  IsolatedOutcome out;
  const int timeout_ms = static_cast<int>(poll_seconds * 1000) > 0 ? static_cast<int>(poll_seconds * 1000) : 1;
  char buffer[4096];
  while (true) {
    pollfd p{fds[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, timeout_ms);
    if (ready > 0) {
      const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
      if (n > 0) {
        out.payload.append(buffer, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      break;  // end of file: the child has closed its end (it is leaving or gone)
    }
    if (ready < 0 && errno != EINTR) break;
    if (should_stop()) {
      ::kill(pid, SIGKILL);
      int status = 0;
      wait_for(pid, status);
      ::close(fds[0]);
      out.how = IsolatedOutcome::How::stopped;
      out.payload.clear();
      return out;
    }
  }
  ::close(fds[0]);
  int status = 0;
  if (wait_for(pid, status) < 0) {
    out.death = std::string("waitpid failed: ") + std::strerror(errno);
    out.payload.clear();
    return out;
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    out.how = IsolatedOutcome::How::finished;
    return out;
  }
  out.death = WIFEXITED(status) && WEXITSTATUS(status) == 112 ? out.payload : describe(status);
  out.payload.clear();
  return out;
}

}  // namespace npde::sched
