#include "sched/signals.hpp"

#include <csignal>
#include <initializer_list>

namespace npde::sched {
namespace {

volatile std::sig_atomic_t requested = 0;

extern "C" void on_signal(int sig) { requested = sig; }

}  // namespace

void install_drain_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (int sig : {SIGINT, SIGTERM, SIGUSR1}) sigaction(sig, &sa, nullptr);
}

bool drain_requested() { return requested != 0; }

}  // namespace npde::sched
