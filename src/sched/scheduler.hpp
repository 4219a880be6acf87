#pragma once
// The master/worker loop (dynamic self-scheduling over Boost.MPI). Rank 0 only schedules and
// journals; every other rank runs cells and writes their rows.
#include <string>
#include <vector>

#include <boost/mpi/communicator.hpp>

#include "spec/sweep_file.hpp"
#include "store/journal.hpp"
#include "store/sweep_store.hpp"

namespace npde::sched {

struct RunSettings {
  double time_limit_seconds = 0;  // 0: none. Hand-out stops at limit - grace; cells are abandoned at the limit.
  double grace_seconds = 30;      // after a drain signal, running cells get this long to finish
  bool quiet = false;             // no progress on stderr
};

struct MasterOutcome {
  long done = 0, diverged = 0, failed = 0, unfinished = 0;
  bool drained = false;
  double wall_seconds = 0, master_cpu_seconds = 0;      // the master's own cost while it waits
  double compute_seconds = 0, store_seconds = 0;        // summed over workers
  double journal_seconds = 0;                           // master time appending commits
};

// Rank 0. `pending` lists the cell ids to run, in order.
MasterOutcome run_master(const boost::mpi::communicator& world, const std::vector<GridCell>& cells,
                         const std::vector<long>& pending, long already_finished, Journal& journal,
                         const StorePaths& paths, const std::string& sweep_name, const RunSettings& settings);

// Every other rank: runs cells until told to stop.
void run_worker(const boost::mpi::communicator& world, const std::vector<GridCell>& cells, SweepStore& store,
                const StorePaths& paths, const RunSettings& settings, double start_time);

}  // namespace npde::sched
