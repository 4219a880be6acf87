#pragma once
// A sweep's run on every rank once the command line is read (cli/run.cpp parses the options and
// rank 0 reads the sweep file):
//   1. rank 0 plans the resume (store/resume.hpp: whose store, lock, journal, what is pending)
//      and broadcasts its verdict with the sweep's canonical text, which is all the other ranks
//      know of the sweep
//   2. all ranks create or open the store together; rank 0 rewrites rows the file lost
//   3. rank 0 schedules (run_master), the others compute (run_worker); all close the store
//      together
#include <chrono>
#include <string>

#include <boost/mpi/communicator.hpp>

#include "sched/scheduler.hpp"
#include "input/sweep_file.hpp"
#include "store/resume.hpp"

namespace npde::sched {

struct SweepRequest {
  int code = 0;             // 0: go; otherwise every rank returns it once rank 0 printed `message`
  std::string message;      // rank 0: why the run must not start (bad options, a bad sweep file)
  SweepSpec sweep;          // rank 0 only: the sweep as read and validated
  std::string store_path;
  ResumeOptions resume;
  RunSettings settings;
  std::chrono::steady_clock::time_point entered;  // when the command started: set-up counts in the budget
};

// Returns the exit code (spec/error.hpp), the same on every rank. An error outside the cells
// (file system, MPI) on one rank throws: the caller aborts the job.
int run_sweep(boost::mpi::communicator& world, const SweepRequest& request);

}  // namespace npde::sched
