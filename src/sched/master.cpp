#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>

#include <boost/mpi/nonblocking.hpp>
#include <boost/mpi/request.hpp>

#include "pipeline/cost_model.hpp"
#include "sched/dispatch_queue.hpp"
#include "sched/messages.hpp"
#include "sched/scheduler.hpp"
#include "sched/signals.hpp"
#include "input/canonical.hpp"
#include "store/posix_io.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace npde::sched {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// fsync of a shard a worker wrote and renamed into place, and of the directory holding the name.
void make_durable(const std::string& shard, const std::string& directory) {
  posix::File file(shard, O_RDONLY);
  file.fsync();
  file.close();
  posix::fsync_directory(directory);
}

}  // namespace

std::string format_duration(double seconds) {
  if (!(seconds >= 0) || seconds > 3.6e8) return "unknown";
  const long s = std::lround(seconds);
  char buf[48];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld h %02ld min", s / 3600, (s % 3600) / 60);
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%ld min %02ld s", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld s", s);
  return buf;
}

namespace {

// The remaining time from the cost model (pipeline/cost_model.hpp), calibrated by the cells
// measured so far: the done cells' compute seconds over their predicted seconds scale what the
// model predicts for the cells not yet finished, shared among the workers. (Counting cells would
// take a cheap diverged cell for a typical one, and the first resolutions for the last.)
struct EtaModel {
  std::vector<double> predicted;   // seconds the cost model predicts, per cell id
  double remaining = 0;            // predicted seconds of this run's cells not yet finished
  double measured_done = 0, predicted_done = 0;  // over done cells
  long calibrated_by = 0;
  int workers = 1;
  void finished(long id, bool done, double seconds) {
    remaining -= predicted[static_cast<size_t>(id)];
    if (!done) return;
    measured_done += seconds;
    predicted_done += predicted[static_cast<size_t>(id)];
    ++calibrated_by;
  }
  std::string text() const {
    if (remaining <= 1e-12) return "";
    const double ratio = predicted_done > 0 ? measured_done / predicted_done : 1.0;
    return ", ETA " + format_duration(ratio * std::max(0.0, remaining) / workers) +
           (calibrated_by ? " (cost model calibrated by " + std::to_string(calibrated_by) + " cells)"
                          : " (cost model, not yet calibrated)");
  }
};

void print_progress(const std::string& name, const MasterOutcome& o, long total, long finished_before,
                    Clock::time_point start, bool draining, const EtaModel& eta) {
  const long finished = o.done + o.diverged + o.failed;
  const double elapsed = seconds_since(start);
  const double rate = elapsed > 0 ? finished / elapsed : 0;
  std::fprintf(stderr, "[%s] %ld/%ld finished (this run: %ld done, %ld diverged, %ld failed), %.2f cells/s%s%s\n",
               name.c_str(), finished_before + finished, total, o.done, o.diverged, o.failed, rate,
               draining ? "" : eta.text().c_str(), draining ? "  [draining]" : "");
}

// Commits one worker report: makes its shard durable, then appends it to the journal (the
// moment the cell counts as finished), and updates the tallies. A cell that cannot be made
// durable stays uncommitted and reruns on resume.
void record(const Report& report, const std::vector<GridCell>& cells, Journal& journal, const StorePaths& paths,
            const std::string& sweep_name, const RunSettings& settings, MasterOutcome& out) {
  if (report.status == kCancelled || report.status == kStoreError) {
    ++out.unfinished;
    if (report.status == kStoreError && out.store_error.empty()) out.store_error = report.message;
    return;
  }
  const GridCell& cell = cells[static_cast<size_t>(report.id)];
  const CellStatus status = static_cast<CellStatus>(report.status);
  const auto t0 = Clock::now();
  const std::string& hash = cell.hash;
  const std::string shard = paths.shard(report.id, hash);
  try {
    // Every reported cell has its shard (a worker that could not write one reports a store
    // error, handled above); a shard that vanished since is an I/O error like any other.
    make_durable(shard, paths.shards);
    journal.append({report.id, hash, status});
  } catch (const IoError& e) {
    ++out.unfinished;
    if (out.store_error.empty()) out.store_error = "committing cell " + std::to_string(report.id) + ": " + e.what();
    return;
  }
  out.journal_seconds += seconds_since(t0);
  out.compute_seconds += report.compute_seconds;
  out.store_seconds += report.store_seconds;
  out.truth_found += report.truth_found;
  out.truth_kept += report.truth_kept;
  out.truth_damaged += report.truth_damaged;
  if (status == CellStatus::done) ++out.done;
  if (status == CellStatus::diverged) ++out.diverged;
  if (status == CellStatus::failed) {
    ++out.failed;
    if (!settings.quiet)
      std::fprintf(stderr, "[%s] cell %ld (%s) failed: %s\n", sweep_name.c_str(), report.id, cell.spec.name.c_str(),
                   report.message.c_str());
  }
}

}  // namespace

MasterOutcome run_master(const boost::mpi::communicator& world, const std::vector<GridCell>& cells,
                         const std::vector<long>& pending, long already_finished, Journal& journal,
                         const StorePaths& paths, const std::string& sweep_name, const RunSettings& settings,
                         const Budget& budget) {
  MasterOutcome out;
  const auto start = Clock::now();
  auto last_progress = start;
  TruthAwareQueue queue(cells, pending, settings.truth_cache);
  int active = world.size() - 1;
  std::vector<bool> stopped(static_cast<size_t>(world.size()), false);
  std::vector<long> holds(static_cast<size_t>(world.size()), -1);  // the cell each worker runs
  bool draining = false;
  Clock::time_point drain_began;
  const long total = already_finished + static_cast<long>(pending.size());  // the sweep's cells, not the store's
  EtaModel eta;
  eta.workers = std::max(1, world.size() - 1);
  eta.predicted.assign(cells.size(), 0.0);
  for (long id : pending) {
    eta.predicted[static_cast<size_t>(id)] = experiment_cost(cells[static_cast<size_t>(id)].spec).total();
    eta.remaining += eta.predicted[static_cast<size_t>(id)];
  }

  // The master alone decides to drain; workers learn it from the notice, never from a clock.
  auto start_drain = [&](const std::string& why) {
    if (draining) return;
    draining = true;
    drain_began = Clock::now();
    out.drained = true;
    // A Ctrl-C reaches mpirun too, which then stops forwarding output and kills the ranks about
    // a second later (Open MPI's odls_base_sigkill_timeout), whatever the grace period: said here,
    // while the line can still get out (a drain to the ranks alone ends with the lines below).
    if (!settings.quiet)
      std::fprintf(stderr,
                   "[%s] %s: no new cells; waiting up to %.0f s for running ones (if mpirun got the signal too, as "
                   "with Ctrl-C, it ends the job within about a second instead: finished cells are kept, running "
                   "ones stay pending, and the same command resumes)\n",
                   sweep_name.c_str(), why.c_str(), settings.grace_seconds);
    for (int w = 1; w < world.size(); ++w)
      if (!stopped[static_cast<size_t>(w)]) world.send(w, kTagDrain);
  };

  // Past the deadline plus the allowance, a worker that has not answered will not: it is
  // stopped (SIGSTOP, a debugger), hung, or its node is gone. Waiting longer would hold the job
  // past its limit until the scheduler kills it hard.
  auto silent_after_deadline = [&] {
    if (!draining) return false;
    const bool budget_over = budget.limited() && budget.remaining() < -kReportAllowance;
    return budget_over || seconds_since(drain_began) > settings.grace_seconds + kReportAllowance;
  };

  // Reports that arrived while the master itself could not run (stopped, or starved on an
  // overloaded node: its clock went on, the workers' reports waited in MPI's queues) are taken
  // before any worker is called silent: from the moment the deadline has passed, the master
  // keeps receiving for kLastCallSeconds, and only workers that have not answered by then are.
  std::optional<Clock::time_point> last_call;

  Report report;
  boost::mpi::request request = world.irecv(boost::mpi::any_source, kTagReport, report);
  while (active > 0) {
    // Poll instead of a blocking receive: Open MPI's blocking wait spins a whole core, which
    // on a small node takes a core from the workers (measured on a 2-core node: a sweep took 17 s instead of 11 s).
    boost::optional<boost::mpi::status> st = request.test();
    if (drain_requested()) start_drain("signal received");
    if (!draining && budget.limited() && budget.remaining() <= settings.grace_seconds) {
      char why[64];
      std::snprintf(why, sizeof why, "time limit near after %.1f s", budget.elapsed());
      start_drain(why);
    }
    if (!st && silent_after_deadline()) {
      if (!last_call) last_call = Clock::now();
      if (seconds_since(*last_call) < kLastCallSeconds) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
      for (int w = 1; w < world.size(); ++w)
        if (!stopped[static_cast<size_t>(w)]) {
          out.silent_ranks.push_back(w);
          if (holds[static_cast<size_t>(w)] >= 0) {
            out.silent_cells.push_back(holds[static_cast<size_t>(w)]);
            ++out.unfinished;
          }
        }
      request.cancel();
      break;
    }
    if (!st) {
      if (!settings.quiet && seconds_since(last_progress) >= 2.0) {
        print_progress(sweep_name, out, total, already_finished, start, draining, eta);
        last_progress = Clock::now();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    const int worker = st->source();
    if (report.signalled) start_drain("signal received by rank " + std::to_string(worker));
    holds[static_cast<size_t>(worker)] = -1;
    if (report.id >= 0) {
      // a cell that ran to its end (done or diverged) has kept whatever truth it computed
      queue.finished(report.id, report.status == static_cast<int>(CellStatus::done) ||
                                    report.status == static_cast<int>(CellStatus::diverged));
      if (report.status == static_cast<int>(CellStatus::done) || report.status == static_cast<int>(CellStatus::diverged) ||
          report.status == static_cast<int>(CellStatus::failed))
        eta.finished(report.id, report.status == static_cast<int>(CellStatus::done), report.compute_seconds);
      record(report, cells, journal, paths, sweep_name, settings, out);
      // A result that cannot be stored (full or failing file system) stops the sweep: every
      // further cell would be computed for nothing. Always said, even with --quiet.
      if (!out.store_error.empty() && !draining) {
        std::fprintf(stderr, "[%s] %s\n", sweep_name.c_str(), out.store_error.c_str());
        start_drain("the store cannot take results");
      }
    }
    if (!draining && !queue.empty()) {
      const long id = queue.take();
      holds[static_cast<size_t>(worker)] = id;
      world.send(worker, kTagAssign, id);
    } else {
      world.send(worker, kTagAssign, draining ? kStopAfterNotice : kStop);
      stopped[static_cast<size_t>(worker)] = true;
      --active;
    }
    if (active > 0) request = world.irecv(boost::mpi::any_source, kTagReport, report);
  }
  out.unfinished += static_cast<long>(queue.unsent());
  out.wall_seconds = seconds_since(start);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  out.master_cpu_seconds = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
                           1e-6 * (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
  if (!settings.quiet && (!pending.empty() || draining)) {  // a finished sweep: run says "nothing to do"
    print_progress(sweep_name, out, total, already_finished, start, draining, eta);
    const double worker_total = out.compute_seconds + out.store_seconds;
    std::fprintf(stderr,
                 "[%s] %.2f s wall; master CPU %.2f s (process total); workers %.2f s computing, %.3f s writing "
                 "shards and rows (%.2f%%); commits (shard fsync + journal) %.3f s\n",
                 sweep_name.c_str(), out.wall_seconds, out.master_cpu_seconds, out.compute_seconds, out.store_seconds,
                 worker_total > 0 ? 100.0 * out.store_seconds / worker_total : 0.0, out.journal_seconds);
    if (settings.truth_cache)
      std::fprintf(stderr,
                   "[%s] truth cache: %ld truth results computed and kept, %ld reused from other cells or runs%s\n",
                   sweep_name.c_str(), out.truth_kept, out.truth_found,
                   out.truth_damaged ? (", " + std::to_string(out.truth_damaged) + " damaged entries recomputed").c_str()
                                     : "");
  }
  return out;
}

}  // namespace npde::sched
