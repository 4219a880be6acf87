// `npdesweep run SWEEP.toml --store FILE.h5` under mpirun/srun: run or resume a sweep. Every
// rank parses the options; rank 0 alone reads and validates the sweep (nothing is touched on bad
// input). The run itself, from the store's checks to closing it, is the service's
// (sched/sweep_service.hpp).
#include <chrono>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <sys/stat.h>

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "sched/signals.hpp"
#include "sched/sweep_service.hpp"
#include "input/input_error.hpp"
#include "store/h5.hpp"
#include "store/posix_io.hpp"

namespace npde::cli {
namespace {

const char* kDescription = R"(Runs every cell of a sweep (docs/sweep-file.md) on P-1 worker ranks (rank 0 schedules) and
writes the results into one parallel HDF5 store (docs/store.md), with its journal, shards and
lock in FILE.h5.d/. Running the same command again resumes: only cells not yet committed run.
Running an edited sweep of the same [sweep] name on its store grows it: finished cells whose
job is unchanged are reused, only new cells run, and cells the sweep no longer has stay in the
store outside its view (docs/store.md, "Growth").
Start it under mpirun or srun: mpirun -np P npdesweep run SWEEP.toml --store FILE.h5.)";

const char* kFooter = R"(Environment: NPDESWEEP_MPIIO_HINTS="key=value,..." passes MPI-IO hints for the store's file
(e.g. striping_factor=8 on Lustre; romio_ds_write=disable where byte-range locks are missing).

Time limit: it counts from the start of the run on rank 0; every rank measures it on its own
clock (nodes share none), and rank 0 alone decides when to drain.

Signals: SIGINT, SIGTERM, SIGUSR1 drain the sweep (no new cells, running ones finish within the
grace period, in whatever phase they are) and it exits 3; rerun the command to resume. A
signal to any one rank drains the whole sweep.

Exit codes: 0 every cell finished (done or diverged), 1 some failed, 2 bad input (nothing
written), 3 drained before the end (resumable), 4 stopped by an error outside the cells (file
system, MPI, a lost rank; committed cells are kept, rerun to resume).)";

double parse_duration(const std::string& option, const std::string& v) {
  double total = 0;
  size_t pos = 0;
  int parts = 0;
  try {
    while (pos <= v.size()) {
      const size_t colon = v.find(':', pos);
      const std::string part = v.substr(pos, colon == std::string::npos ? std::string::npos : colon - pos);
      size_t used = 0;
      const double x = std::stod(part, &used);
      if (used != part.size() || x < 0) throw std::invalid_argument("bad");
      total = total * 60 + x;
      ++parts;
      if (colon == std::string::npos) break;
      pos = colon + 1;
    }
  } catch (const std::exception&) {
    parts = 0;
  }
  if (parts == 0 || parts > 3) throw UsageError(option + " needs seconds or [HH:]MM:SS, got '" + v + "'");
  return total;
}

}  // namespace

namespace {
int run_sweep(boost::mpi::communicator& world, int argc, char** argv);
}  // namespace

int run(int argc, char** argv) {
  // First of all, before MPI_Init and the store's creation: a drain signal (SLURM sends one at
  // any time) is a request to drain from the moment the process exists, never a kill.
  sched::install_drain_handlers();
  posix::pause_point("start");  // test hook: tests/mpi/sweep_sigterm.sh signals a run here
  boost::mpi::environment env(argc, argv, false);
  boost::mpi::communicator world;
  try {
    return run_sweep(world, argc, argv);
  } catch (const std::exception& e) {
    // An infrastructure failure on one rank (file system, MPI-IO): the others may be waiting in
    // a collective call, so take the whole job down with one clear message. Finished cells are
    // in the journal and shards; rerunning the command resumes.
    std::cerr << "npdesweep run (rank " << world.rank() << "): " << e.what() << "\n";
    world.abort(kExitAborted);
  }
  return kExitAborted;
}

namespace {

int run_sweep(boost::mpi::communicator& world, int argc, char** argv) {
  const bool master = world.rank() == 0;
  sched::SweepRequest request;
  request.entered = std::chrono::steady_clock::now();

  // Options (every rank parses them; rank 0 speaks) and the sweep (rank 0 alone reads it; the
  // service sends its canonical text: ranks on other nodes may see another file, a stale cache
  // of it, or no stdin at all).
  sched::RunSettings& settings = request.settings;
  std::string& store_path = request.store_path;
  ResumeOptions& resume = request.resume;
  std::string sweep_file, time_limit, grace;
  CommandLine cl("run", kDescription, kFooter);
  cl.positional("SWEEP.toml", sweep_file, "the sweep file");
  cl.option("--store", store_path, "the store (created if missing); required", "FILE.h5");
  cl.option("--time-limit", time_limit,
            "wall-clock budget, seconds or [HH:]MM:SS: stop handing out cells at T - grace, abandon cells still "
            "running at T, exit 3",
            "T");
  cl.option("--grace", grace, "seconds running cells get after a drain signal (default 30)", "S");
  cl.flag("--retry-failed", resume.retry_failed, "run cells recorded as failed again");
  cl.flag("--force", resume.force,
          "replace a store of a sweep with another name (an edited sweep of the same name grows its store: no "
          "--force needed)");
  cl.flag("--quiet", settings.quiet, "no progress on stderr");
  bool no_truth_cache = false;
  cl.flag("--no-truth-cache", no_truth_cache,
          "compute every cell's truth data and truth-map spectra itself instead of sharing them between cells "
          "through FILE.h5.d/truth/ (the results are the same, bitwise)");
  {
    // Only rank 0 prints help and usage errors; every rank returns the same code.
    std::ostringstream silenced;
    std::streambuf* cout_buf = master ? nullptr : std::cout.rdbuf(silenced.rdbuf());
    std::streambuf* cerr_buf = master ? nullptr : std::cerr.rdbuf(silenced.rdbuf());
    const std::optional<int> code = cl.parse(argc, argv);
    if (!master) std::cout.rdbuf(cout_buf), std::cerr.rdbuf(cerr_buf);
    if (code) return *code;
  }
  settings.truth_cache = !no_truth_cache;
  try {
    if (!cl.given("--store")) throw UsageError("--store FILE.h5 is required");
    if (store_path.empty() || store_path.back() == '/') throw UsageError("--store needs a file name, got '" + store_path + "'");
    // A store in a directory that does not exist is a typo, not a failing file system.
    const size_t slash = store_path.rfind('/');
    const std::string directory = slash == std::string::npos ? "." : (slash == 0 ? "/" : store_path.substr(0, slash));
    struct stat st {};
    if (::stat(directory.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      throw InputError(store_path, 0, "--store", "the directory " + directory + " does not exist");
    if (cl.given("--time-limit")) settings.time_limit_seconds = parse_duration("--time-limit", time_limit);
    if (cl.given("--grace")) settings.grace_seconds = parse_duration("--grace", grace);
    try {
      h5::mpiio_hints_from_environment();
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
    if (master) request.sweep = read_sweep_file(sweep_file);
    if (world.size() < 2) throw UsageError("needs at least 2 ranks (1 master + workers): mpirun -np 3 ...");
  } catch (const Error& e) {  // UsageError or InputError
    request.code = error_exit_code(e, ErrorKind::input);
    request.message = error_message("run", e);
  }
  return sched::run_sweep(world, request);
}

}  // namespace

}  // namespace npde::cli
