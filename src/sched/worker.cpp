#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "pipeline/experiment.hpp"
#include "sched/messages.hpp"
#include "sched/scheduler.hpp"
#include "sched/signals.hpp"
#include "spec/canonical.hpp"
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

}  // namespace

void run_worker(const boost::mpi::communicator& world, const std::vector<GridCell>& cells, SweepStore& store,
                const StorePaths& paths, const RunSettings& settings, const Budget& budget) {
  Deadline deadline(world, settings, budget);
  TruthCache truth_cache(paths.sidecar + "/truth");
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

    // A cell still running when the deadline passes is abandoned: it stays pending and the
    // next run does it again.
    RunOptions options;
    options.cancel = Cancellation([&] { return deadline.passed(); });
    if (settings.truth_cache) options.truth_memo = &truth_cache;
    const TruthCache before = truth_cache;
    ExperimentResult result;
    report = Report{id, static_cast<int>(CellStatus::done), "", 0, 0};
    const auto t0 = Clock::now();
    try {
      // Test hook (fault injection, as the POSIX seam has): make the named cell throw.
      if (const char* fail = std::getenv("NPDESWEEP_INJECT_FAILURE"); fail && cell.spec.name == fail)
        throw std::runtime_error("injected failure (NPDESWEEP_INJECT_FAILURE)");
      result = run_experiment(cell.spec, options);
    } catch (const Cancelled&) {
      report.status = kCancelled;
      continue;
    } catch (const std::exception& e) {
      result.status = CellStatus::failed;
      result.message = e.what();
    }
    const auto t1 = Clock::now();
    report.compute_seconds = std::chrono::duration<double>(t1 - t0).count();
    report.truth_found = truth_cache.found - before.found;
    report.truth_kept = truth_cache.kept - before.kept;
    report.truth_damaged = truth_cache.damaged - before.damaged;
    try {
      const std::string shard = paths.shard(id, hash);
      // Not fsync'd here: the master makes the shard durable just before it commits the cell,
      // which keeps two fsyncs per cell off the workers (a crash before the commit reruns it).
      write_result_file(shard, cell.spec, canonical, hash, result, /*durable=*/false);
      store.write_row_from_shard(cell, hash, shard);
      report.status = static_cast<int>(result.status);
      report.message = result.message;
    } catch (const std::exception& e) {
      // The store could not take the result. That says nothing about the cell, so it is not
      // recorded as failed: it stays uncommitted (the journal is the one record of what is
      // finished) and the master stops the sweep; a resume runs the cell again.
      report.status = kStoreError;
      report.message = "storing cell " + std::to_string(id) + ": " + e.what();
    }
    report.store_seconds = std::chrono::duration<double>(Clock::now() - t1).count();
  }
}

}  // namespace npde::sched
