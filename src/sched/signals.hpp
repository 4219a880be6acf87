#pragma once
// SIGINT, SIGTERM and SIGUSR1 ask a sweep to drain: stop handing out cells, let running cells
// finish within a grace period, exit 3. The handler only records the request (async-signal
// safe); the loops poll it.
namespace npde::sched {

void install_drain_handlers();
bool drain_requested();

}  // namespace npde::sched
