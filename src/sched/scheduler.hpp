#pragma once
// The master/worker loop (dynamic self-scheduling over Boost.MPI). Rank 0 only schedules and
// journals; every other rank runs cells and writes their rows.
#include <chrono>
#include <string>
#include <vector>

#include <boost/mpi/communicator.hpp>

#include "input/sweep_file.hpp"
#include "store/journal.hpp"
#include "store/sweep_store.hpp"

namespace npde::sched {

struct RunSettings {
  double time_limit_seconds = 0;  // 0: none. Hand-out stops at limit - grace; cells are abandoned at the limit.
  double grace_seconds = 30;      // after a drain signal, running cells get this long to finish
  bool quiet = false;             // no progress on stderr
  bool truth_cache = true;        // share truth between cells (STORE.h5.d/truth/); --no-truth-cache
};

// The time budget as one rank sees it. Steady clocks of different nodes count from different
// boots, so no rank ever reads another's clock: each takes `start` from its own steady clock
// right after a barrier all ranks pass together, and the time the master spent before that
// barrier (`spent`, a duration, which means the same on every node) counts as already used.
class Budget {
 public:
  using Clock = std::chrono::steady_clock;
  Budget() = default;
  Budget(Clock::time_point start, double limit_seconds, double spent_seconds)
      : start_(start), limit_(limit_seconds), spent_(spent_seconds) {}
  bool limited() const { return limit_ > 0; }
  double limit() const { return limit_; }
  // Seconds since the master started the run.
  double elapsed() const { return spent_ + std::chrono::duration<double>(Clock::now() - start_).count(); }
  double remaining() const { return limit_ - elapsed(); }  // meaningful only when limited()

 private:
  Clock::time_point start_ = Clock::now();
  double limit_ = 0, spent_ = 0;
};

struct MasterOutcome {
  long done = 0, diverged = 0, failed = 0, unfinished = 0;
  bool drained = false;
  std::string store_error;  // the first failure to store or commit a result ("" if none)
  double wall_seconds = 0, master_cpu_seconds = 0;      // the master's own cost while it waits
  double compute_seconds = 0, store_seconds = 0;        // summed over workers
  double journal_seconds = 0;                           // master time appending commits
  long truth_found = 0, truth_kept = 0, truth_damaged = 0;  // the truth cache, summed over workers
  // Workers that had not answered kReportAllowance seconds after the drain's deadline (stopped,
  // hung in I/O, or on a node that is gone), with the cell each held. The master stopped waiting
  // for them; their cells are uncommitted (pending). The store cannot be closed collectively
  // without them: the caller ends the run with MPI_Abort.
  std::vector<int> silent_ranks;
  std::vector<long> silent_cells;
};

// How long past the drain's deadline (the end of the budget, or the grace after a drain
// began) the master still waits for a worker's report. Workers abandon their cells at the
// deadline themselves; this covers the abandonment and the message, not more work.
constexpr double kReportAllowance = 2.0;
// Once that allowance is over, how long the master goes on receiving before it calls a worker
// silent: reports that waited while the master could not run (SIGSTOP, a starved node) arrive
// within it, and are committed instead of being thrown away.
constexpr double kLastCallSeconds = 1.0;

// "45 s", "3 min 20 s", "2 h 05 min": a duration for progress lines.
std::string format_duration(double seconds);

// Rank 0. `pending` lists the cell ids to run, in order. It alone decides when the sweep
// drains: on a signal to itself or to any worker, or when the budget has `grace` seconds left;
// it then hands out no more cells and sends every running worker the drain notice. It waits for
// running workers until the deadline (the end of the budget, or `grace` after the drain began)
// plus kReportAllowance, never longer: a worker silent by then is listed in silent_ranks.
MasterOutcome run_master(const boost::mpi::communicator& world, const std::vector<GridCell>& cells,
                         const std::vector<long>& pending, long already_finished, Journal& journal,
                         const StorePaths& paths, const std::string& sweep_name, const RunSettings& settings,
                         const Budget& budget);

// Every other rank: runs cells until told to stop. A cell is abandoned (it stays pending) when
// the grace period after the drain notice or after a signal to this rank runs out, or at the
// end of the budget, whichever comes first, in whatever phase the cell is.
void run_worker(const boost::mpi::communicator& world, const std::vector<GridCell>& cells, SweepStore& store,
                const StorePaths& paths, const RunSettings& settings, const Budget& budget);

}  // namespace npde::sched
