// A cell in its own process (sched/isolated.hpp): its payload comes back; a crash, an abort or
// an exception ends the child, never the caller, and says how; a stop request kills it.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "sched/isolated.hpp"

using npde::sched::IsolatedOutcome;
using npde::sched::run_isolated;

namespace {
bool never() { return false; }
}  // namespace

TEST_CASE("run_isolated returns the child's payload", "[isolated]") {
  const IsolatedOutcome o = run_isolated([] { return std::string(100000, 'x') + "end"; }, never);
  CHECK(o.how == IsolatedOutcome::How::finished);
  CHECK(o.payload.size() == 100003);  // more than a pipe's buffer: read while the child writes
  CHECK(o.payload.substr(100000) == "end");
}

TEST_CASE("A child that crashes or aborts is reported, and the caller goes on", "[isolated]") {
  // SIGABRT: the sanitizers leave it to the default action, so this is a death by signal in
  // every build (a SIGSEGV under ASan becomes ASan's report and exit code 1 instead).
  const IsolatedOutcome aborted = run_isolated([]() -> std::string { std::abort(); }, never);
  CHECK(aborted.how == IsolatedOutcome::How::died);
  CHECK(aborted.death.find("was killed by signal 6") != std::string::npos);
  CHECK(aborted.payload.empty());
  const IsolatedOutcome exited = run_isolated([]() -> std::string { std::_Exit(7); }, never);
  CHECK(exited.how == IsolatedOutcome::How::died);
  CHECK(exited.death.find("ended with exit code 7") != std::string::npos);
  const IsolatedOutcome threw = run_isolated([]() -> std::string { throw std::runtime_error("no luck"); }, never);
  CHECK(threw.how == IsolatedOutcome::How::died);
  CHECK(threw.death == "error: no luck");
}

TEST_CASE("A stop request kills the child within the poll interval", "[isolated]") {
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  const IsolatedOutcome o = run_isolated(
      [] {
        std::this_thread::sleep_for(std::chrono::seconds(60));
        return std::string("late");
      },
      [&] { return elapsed() > 0.2; });
  CHECK(o.how == IsolatedOutcome::How::stopped);
  CHECK(elapsed() < 30);
}
