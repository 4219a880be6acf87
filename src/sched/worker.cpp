#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <boost/mpi/collectives.hpp>

#include "pipeline/experiment.hpp"
#include "sched/messages.hpp"
#include "sched/scheduler.hpp"
#include "sched/signals.hpp"
#include "spec/canonical.hpp"
#include "store/result_file.hpp"

namespace npde::sched {
namespace {

struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("cancelled") {}
};

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

void run_worker(const boost::mpi::communicator& world, const std::vector<GridCell>& cells, SweepStore& store,
                const StorePaths& paths, const RunSettings& settings, double start_time) {
  double signal_time = 0;
  Report report;
  while (true) {
    world.send(0, kTagReport, report);
    long id = kStop;
    world.recv(0, kTagAssign, id);
    if (id == kStop) break;
    const GridCell& cell = cells[static_cast<size_t>(id)];
    const std::string canonical = canonical_toml(cell.spec);
    const std::string hash = content_hash(canonical);

    // A cell still running when the grace period after a drain signal (or the time limit)
    // runs out is abandoned: it stays pending and the next run does it again.
    RunOptions options;
    options.on_epoch = [&](int, double) {
      const double now = now_seconds();
      if (drain_requested() && signal_time == 0) signal_time = now;
      if (signal_time > 0 && now - signal_time > settings.grace_seconds) throw Cancelled();
      if (settings.time_limit_seconds > 0 && now - start_time > settings.time_limit_seconds) throw Cancelled();
    };
    ExperimentResult result;
    report = Report{id, static_cast<int>(CellStatus::done), "", 0, 0};
    const double t0 = now_seconds();
    try {
      // Test hook (fault injection, as the POSIX seam has): make the named cell throw.
      if (const char* fail = std::getenv("NPDESWEEP_INJECT_FAILURE"); fail && cell.spec.name == fail)
        throw std::runtime_error("injected failure (NPDESWEEP_INJECT_FAILURE)");
      result = run_experiment(cell.spec, options);
    } catch (const Cancelled&) {
      report.status = kCancelled;
      continue;
    } catch (const std::exception& e) {
      result.status = "failed";
      result.message = e.what();
    }
    const double t1 = now_seconds();
    report.compute_seconds = t1 - t0;
    try {
      const std::string shard = paths.shard(id, hash);
      // Not fsync'd here: the master makes the shard durable just before it commits the cell,
      // which keeps two fsyncs per cell off the workers (a crash before the commit reruns it).
      write_result_file(shard, cell.spec, canonical, hash, result, /*durable=*/false);
      store.write_row_from_shard(cell, shard);
      report.status = static_cast<int>(status_from_name(result.status));
      report.message = result.message;
    } catch (const std::exception& e) {
      // The store could not take the row: report a failure so the master records it and the
      // sweep goes on; a resume with --retry-failed runs it again.
      report.status = static_cast<int>(CellStatus::failed);
      report.message = std::string("writing the result: ") + e.what();
    }
    report.store_seconds = now_seconds() - t1;
  }
}

}  // namespace npde::sched
