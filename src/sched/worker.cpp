#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "pipeline/experiment.hpp"
#include "store/posix_io.hpp"
#include "sched/isolated.hpp"
#include "sched/messages.hpp"
#include "sched/scheduler.hpp"
#include "sched/signals.hpp"
#include "input/canonical.hpp"
#include "store/result_file.hpp"
#include "store/truth_cache.hpp"

namespace npde::sched {
namespace {

using Clock = std::chrono::steady_clock;

// When this worker must give up its current cell, on its own clock only: the end of the
// budget, or the grace period after the master's drain notice or a signal to this rank,
// whichever comes first. Polled from inside the computation (pipeline/cancellation.hpp).
class Deadline {
 public:
  Deadline(const boost::mpi::communicator& world, const RunSettings& settings, const Budget& budget)
      : world_(world), budget_(budget), grace_(settings.grace_seconds) {
    if (budget.limited()) limit_ = budget.limit();
  }

  // True once the cell must be abandoned. Cheap enough to call every substep: the MPI probe
  // for the notice runs at most every 20 ms.
  bool passed() {
    const double now = seconds();
    if (!signalled_ && drain_requested()) {
      signalled_ = true;
      start_grace(now);
    }
    if (!noticed_ && now - last_probe_ >= 0.02) {
      last_probe_ = now;
      if (world_.iprobe(0, kTagDrain)) receive_notice();
    }
    return now >= limit_;
  }

  // kStopAfterNotice: the notice was sent before the stop; take it off the queue.
  void receive_notice() {
    if (noticed_) return;
    world_.recv(0, kTagDrain);
    noticed_ = true;
    start_grace(seconds());
  }

  bool signalled() const { return signalled_; }

 private:
  double seconds() const { return budget_.elapsed(); }
  void start_grace(double now) { limit_ = std::min(limit_, now + grace_); }

  const boost::mpi::communicator& world_;
  const Budget& budget_;
  const double grace_;
  double limit_ = std::numeric_limits<double>::infinity();  // in the budget's elapsed seconds
  double last_probe_ = -1;
  bool signalled_ = false, noticed_ = false;
};

// What the cell's process (sched/isolated.hpp) reports back: its status (a CellStatus, or
// kStoreError when its result file could not be written), the truth cache's counts, the
// computation's seconds and the message, as one line of numbers and the message after it.
struct CellOutcome {
  int status = static_cast<int>(CellStatus::done);
  long truth_found = 0, truth_kept = 0, truth_damaged = 0;
  double compute_seconds = 0, store_seconds = 0;  // the experiment; writing its result file
  std::string message;

  std::string text() const {
    return std::to_string(status) + " " + std::to_string(truth_found) + " " + std::to_string(truth_kept) + " " +
           std::to_string(truth_damaged) + " " + fmt::format("{:.17g} {:.17g}", compute_seconds, store_seconds) + "\n" +
           message;
  }
  static CellOutcome parse(const std::string& text) {
    CellOutcome o;
    const size_t end = text.find('\n');
    if (end == std::string::npos ||
        std::sscanf(text.substr(0, end).c_str(), "%d %ld %ld %ld %lf %lf", &o.status, &o.truth_found, &o.truth_kept,
                    &o.truth_damaged, &o.compute_seconds, &o.store_seconds) != 6)
      throw std::runtime_error("the cell's process sent a malformed report: '" + text.substr(0, 200) + "'");
    o.message = text.substr(end + 1);
    return o;
  }
};

// Computes the cell and writes its result file; runs in the cell's own process.
CellOutcome compute_cell(const GridCell& cell, const std::string& canonical, const std::string& hash,
                         const std::string& shard, const StorePaths& paths, const RunSettings& settings) {
  TruthCache truth_cache(paths.sidecar + "/truth");
  RunOptions options;
  if (settings.truth_cache) options.truth_memo = &truth_cache;
  ExperimentResult result;
  const auto t0 = Clock::now();
  try {
    // Test hooks (fault injection, as the POSIX seam has): make the named cell throw, or crash.
    if (const char* fail = posix::test_hook("NPDESWEEP_INJECT_FAILURE"); fail && cell.spec.name == fail)
      throw std::runtime_error("injected failure (NPDESWEEP_INJECT_FAILURE)");
    if (const char* crash = posix::test_hook("NPDESWEEP_INJECT_CRASH"); crash && cell.spec.name == crash) std::raise(SIGSEGV);
    result = run_experiment(cell.spec, options);
  } catch (const std::exception& e) {
    result.status = CellStatus::failed;
    result.message = e.what();
  }
  CellOutcome o;
  const auto t1 = Clock::now();
  o.compute_seconds = std::chrono::duration<double>(t1 - t0).count();
  o.truth_found = truth_cache.found;
  o.truth_kept = truth_cache.kept;
  o.truth_damaged = truth_cache.damaged;
  o.status = static_cast<int>(result.status);
  o.message = result.message;
  try {
    // Not fsync'd here: the master makes the shard durable just before it commits the cell,
    // which keeps two fsyncs per cell off the workers (a crash before the commit reruns it).
    write_result_file(shard, cell.spec, canonical, hash, result, /*durable=*/false);
  } catch (const std::exception& e) {
    o.status = kStoreError;
    o.message = e.what();
  }
  o.store_seconds = std::chrono::duration<double>(Clock::now() - t1).count();
  return o;
}

}  // namespace

void run_worker(const boost::mpi::communicator& world, const std::vector<GridCell>& cells, SweepStore& store,
                const StorePaths& paths, const RunSettings& settings, const Budget& budget) {
  Deadline deadline(world, settings, budget);
  Report report;
  while (true) {
    report.signalled = deadline.signalled();
    world.send(0, kTagReport, report);
    long id = kStop;
    world.recv(0, kTagAssign, id);
    if (id == kStopAfterNotice) deadline.receive_notice();
    if (id < 0) break;
    const GridCell& cell = cells[static_cast<size_t>(id)];
    const std::string canonical = canonical_toml(cell.spec);
    const std::string hash = content_hash(canonical);
    const std::string shard = paths.shard(id, hash);
    report = Report{id, static_cast<int>(CellStatus::done), "", 0, 0};

    // The cell runs in its own process: whatever it does (a crash, an abort, the out-of-memory
    // killer), this rank goes on. A cell still running when the deadline passes is abandoned
    // (its process killed): it stays pending and the next run does it again.
    const auto t0 = Clock::now();
    IsolatedOutcome isolated;
    try {
      isolated = run_isolated([&] { return compute_cell(cell, canonical, hash, shard, paths, settings).text(); },
                              [&] { return deadline.passed(); });
    } catch (const std::exception& e) {  // no process could be made: the machine, not the cell
      report.status = kStoreError;
      report.message = "cell " + std::to_string(id) + ": " + e.what();
      continue;
    }
    if (isolated.how == IsolatedOutcome::How::stopped) {
      report.status = kCancelled;
      continue;
    }
    const auto t1 = Clock::now();
    CellOutcome outcome;
    bool shard_written = isolated.how == IsolatedOutcome::How::finished;
    try {
      if (shard_written) outcome = CellOutcome::parse(isolated.payload);
    } catch (const std::exception& e) {
      shard_written = false;
      isolated.death = e.what();
    }
    if (!shard_written) {
      outcome.status = static_cast<int>(CellStatus::failed);
      outcome.message = "the cell's process " + isolated.death;
      outcome.compute_seconds = std::chrono::duration<double>(t1 - t0).count();
    }
    report.compute_seconds = outcome.compute_seconds;
    report.truth_found = outcome.truth_found;
    report.truth_kept = outcome.truth_kept;
    report.truth_damaged = outcome.truth_damaged;
    if (outcome.status == kStoreError) {
      // The store could not take the result. That says nothing about the cell, so it is not
      // recorded as failed: it stays uncommitted (the journal is the one record of what is
      // finished) and the master stops the sweep; a resume runs the cell again.
      report.status = kStoreError;
      report.message = "storing cell " + std::to_string(id) + ": " + outcome.message;
      continue;
    }
    try {
      if (!shard_written) {  // the cell's process died: its failure is the cell's result
        ExperimentResult failed;
        failed.status = CellStatus::failed;
        failed.message = outcome.message;
        write_result_file(shard, cell.spec, canonical, hash, failed, /*durable=*/false);
      }
      store.write_row_from_shard(cell, hash, shard);
      report.status = outcome.status;
      report.message = outcome.message;
    } catch (const std::exception& e) {
      report.status = kStoreError;
      report.message = "storing cell " + std::to_string(id) + ": " + e.what();
    }
    report.store_seconds = outcome.store_seconds + std::chrono::duration<double>(Clock::now() - t1).count();
  }
}

}  // namespace npde::sched
