// `npdesweep run SWEEP.toml --store FILE.h5` under mpirun/srun: run or resume a sweep.
//   1. every rank parses the options; rank 0 alone reads and validates the sweep and the store
//      (nothing is touched on bad input) and broadcasts the verdict with the sweep's canonical
//      text, which is all the other ranks know of the sweep file
//   2. rank 0 plans the resume (store/resume.hpp): whose store, lock, journal, what is pending
//   3. all ranks create or open the store together; rank 0 rewrites rows the file lost
//   4. rank 0 schedules, the others compute; all close the store together
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <sys/stat.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "sched/scheduler.hpp"
#include "sched/signals.hpp"
#include "spec/canonical.hpp"
#include "spec/input_error.hpp"
#include "store/h5.hpp"
#include "store/posix_io.hpp"
#include "store/resume.hpp"

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

// "hosts: node1 (ranks 0-1), node2 (rank 2)": each host with its ranks, in rank order.
std::string rank_layout(const std::vector<std::string>& hosts) {
  std::vector<std::pair<std::string, std::vector<int>>> by_host;
  for (int r = 0; r < static_cast<int>(hosts.size()); ++r) {
    auto it = std::find_if(by_host.begin(), by_host.end(), [&](const auto& h) { return h.first == hosts[r]; });
    if (it == by_host.end()) it = by_host.insert(by_host.end(), {hosts[r], {}});
    it->second.push_back(r);
  }
  std::string text = by_host.size() == 1 ? "host: " : "hosts: ";
  for (size_t i = 0; i < by_host.size(); ++i) {
    const std::vector<int>& ranks = by_host[i].second;
    std::string list;
    for (size_t j = 0; j < ranks.size(); ++j) {  // runs of consecutive ranks as a-b
      size_t k = j;
      while (k + 1 < ranks.size() && ranks[k + 1] == ranks[k] + 1) ++k;
      list += (list.empty() ? "" : ",") + std::to_string(ranks[j]) + (k > j ? "-" + std::to_string(ranks[k]) : "");
      j = k;
    }
    text += (i ? ", " : "") + by_host[i].first + (ranks.size() == 1 ? " (rank " : " (ranks ") + list + ")";
  }
  return text;
}

struct Verdict {
  int code = 0;  // 0 go, otherwise the exit code every rank returns
  std::string message;
  bool create = false;
  std::string canonical;  // the sweep as rank 0 read it: the only copy the other ranks use
  template <class A>
  void serialize(A& ar, unsigned) {
    ar& code& message& create& canonical;
  }
};

}  // namespace

namespace {
int run_sweep(boost::mpi::communicator& world, int argc, char** argv);
}  // namespace

int run(int argc, char** argv) {
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
  const auto entered = std::chrono::steady_clock::now();

  // 1. Options (every rank parses them; rank 0 speaks) and the sweep (rank 0 alone reads it and
  //    sends its canonical text: ranks on other nodes may see another file, a stale cache of
  //    it, or no stdin at all).
  sched::RunSettings settings;
  Verdict verdict;
  SweepSpec sweep;
  std::string sweep_file, store_path, time_limit, grace;
  ResumeOptions resume;
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
    if (master) sweep = read_sweep_file(sweep_file);
    if (world.size() < 2) throw UsageError("needs at least 2 ranks (1 master + workers): mpirun -np 3 ...");
  } catch (const Error& e) {  // UsageError or InputError
    verdict.code = error_exit_code(e, ErrorKind::input);
    verdict.message = error_message("run", e);
  }
  if (master && verdict.code == 0) verdict.canonical = canonical_sweep_toml(sweep);
  std::string canonical = verdict.canonical, sweep_hash = verdict.code ? "" : content_hash(canonical);
  const StorePaths paths(posix::resolve_link(store_path));

  // 2. Rank 0: store checks (before touching anything), lock, journal, pending list.
  ResumePlan plan;
  if (master && verdict.code == 0) {
    try {
      // NPDESWEEP_SKIP_SPACE_CHECK is a test hook: the fault tests fill a file system during
      // creation on purpose.
      resume.check_space = !std::getenv("NPDESWEEP_SKIP_SPACE_CHECK");
      plan = plan_resume(paths, sweep.name, canonical, sweep_hash, resume);
      for (const std::string& note : plan.notes) std::fprintf(stderr, "npdesweep run: %s\n", note.c_str());
      verdict.create = plan.create;
    } catch (const Error& e) {
      // bad input or a held lock: 2; a failing file system (and a damaged store file that
      // cannot be rebuilt) while preparing: stopped by the system, 4
      const bool system = e.kind() == ErrorKind::io || e.kind() == ErrorKind::bad_file;
      verdict.code = system ? kExitAborted : exit_code(e.kind());
      verdict.message =
          system ? std::string("npdesweep run: cannot prepare the store: ") + e.what() : error_message("run", e);
    } catch (const std::exception& e) {
      verdict.code = kExitAborted;
      verdict.message = std::string("npdesweep run: cannot prepare the store: ") + e.what();
    }
  }
  boost::mpi::broadcast(world, verdict, 0);
  if (verdict.code) {
    if (master) std::cerr << verdict.message << "\n";
    return verdict.code;
  }
  canonical = verdict.canonical;
  sweep_hash = content_hash(canonical);

  // Every rank knows the store's cells (this sweep's and earlier ones'): the master's history,
  // sent rather than read, so that no rank depends on when the shared file system shows it.
  boost::mpi::broadcast(world, plan.history, 0);
  const StoreCells store_cells_ = master ? std::move(plan.cells) : store_cells(plan.history, canonical, paths.file);
  const std::vector<GridCell>& cells = store_cells_.cells;

  // 3. Create or open the store together; rank 0 restores rows the file lost.
  sched::install_drain_handlers();
  if (verdict.create) {
    try {
      SweepStore::create(paths.file, store_cells_, canonical, sweep_hash, world);
    } catch (const Error& e) {  // on to run()'s abort; a rerun makes the file again
      throw Error(e.kind(), "cannot create the store " + paths.file + ": " + e.what(), e.error_number());
    }
  }
  SweepStore store(paths.file, world);
  if (master) {
    if (!plan.previous.empty()) {
      try {
        const long copied = store.copy_rows_from(plan.previous, cells, plan.rewrite);
        if (!settings.quiet && copied)
          std::fprintf(stderr, "[%s] copied %ld finished rows from the previous file\n", sweep.name.c_str(), copied);
      } catch (const std::exception& e) {  // the shards have every row: restore from them instead
        std::fprintf(stderr, "[%s] the previous file's rows cannot be copied (%s); restoring them from shards\n",
                     sweep.name.c_str(), e.what());
      }
    }
    std::vector<LostShard> lost;
    const long restored = restore_committed_rows(store, cells, plan.rewrite, paths, &lost);
    if (!plan.previous.empty()) posix::remove(plan.previous);
    for (const LostShard& m : lost) {  // committed, but its durable copy is gone: run it again
      std::fprintf(stderr, "[%s] cell %ld is in the journal but %s; running it again\n", sweep.name.c_str(), m.id,
                   m.why.c_str());
      plan.rerun(m.id);
    }
    if (restored && !settings.quiet)
      std::fprintf(stderr, "[%s] restored %ld committed rows from their shards\n", sweep.name.c_str(), restored);
    if (!settings.quiet && plan.grown)
      std::fprintf(stderr,
                   "[%s] the sweep changed: %ld of its cells are finished in the store and reused (same content "
                   "hash), %zu are new or unfinished; %ld finished cells of earlier sweeps stay in the store outside "
                   "this sweep (query --all shows them)\n",
                   sweep.name.c_str(), plan.finished_before, plan.pending.size(), plan.kept_outside);
    const size_t in_sweep = store_cells_.view.size();
    if (!settings.quiet && plan.pending.empty())
      std::fprintf(stderr, "[%s] nothing to do: all %zu cells are finished%s\n", sweep.name.c_str(), in_sweep,
                   plan.failed_before > 0 ? (" (" + std::to_string(plan.failed_before) +
                                             " failed: --retry-failed runs them again)").c_str()
                                          : "");
    else if (!settings.quiet)
      std::fprintf(stderr, "[%s] %zu cells, %ld already finished, %zu to run on %d workers\n", sweep.name.c_str(),
                   in_sweep, plan.finished_before, plan.pending.size(), world.size() - 1);
  }
  // Where the ranks run (one line, so a multi-node job shows its layout in the log).
  std::vector<std::string> hosts;
  boost::mpi::gather(world, boost::mpi::environment::processor_name(), hosts, 0);
  if (master && !settings.quiet) std::fprintf(stderr, "[%s] %s\n", sweep.name.c_str(), rank_layout(hosts).c_str());
  // The budget: every rank starts its own steady clock at this barrier; the master's set-up
  // time before it (a duration, comparable across nodes) counts as spent.
  double setup_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - entered).count();
  boost::mpi::broadcast(world, setup_seconds, 0);
  world.barrier();
  const sched::Budget budget(std::chrono::steady_clock::now(), settings.time_limit_seconds, setup_seconds);

  // 4. Schedule or compute.
  int exit_code = kExitOk;
  if (master) {
    const sched::MasterOutcome o =
        sched::run_master(world, cells, plan.pending, plan.finished_before, *plan.journal, paths, sweep.name, settings, budget);
    // Failed cells of earlier runs count too until --retry-failed reruns them.
    exit_code = !o.store_error.empty() ? kExitAborted
                : o.unfinished > 0        ? kExitInterrupted
                : o.failed + plan.failed_before > 0 ? kExitFailed
                                               : kExitOk;
    if (!o.store_error.empty())
      std::fprintf(stderr, "npdesweep run: stopped because the store cannot take results (%s); committed cells are "
                           "kept: free space or fix the file system, then rerun to resume\n",
                   o.store_error.c_str());
    if (!settings.quiet) {
      const std::string& f = store_path;
      std::fprintf(stderr, "[%s] results in %s; look at them with\n  npdesweep status %s\n  npdesweep summarize %s\n"
                           "  npdesweep query %s --list\n",
                   sweep.name.c_str(), f.c_str(), f.c_str(), f.c_str(), f.c_str());
      if (o.unfinished > 0)
        std::fprintf(stderr, "[%s] %ld cells not run: the same command resumes\n", sweep.name.c_str(), o.unfinished);
    }
    if (!o.silent_ranks.empty()) {
      // The store is closed collectively, which a silent rank never joins: end the job here, as
      // a drain ends (exit 3). Every commit is in the journal and its shard, both durable; the
      // next run rebuilds the HDF5 file from them if the abort left it incomplete.
      std::string ranks, held;
      for (int r : o.silent_ranks) ranks += (ranks.empty() ? "" : ", ") + std::to_string(r);
      for (long id : o.silent_cells) held += (held.empty() ? "" : ", ") + std::to_string(id);
      const bool many = o.silent_ranks.size() > 1;
      std::fprintf(stderr,
                   "npdesweep run: rank%s %s did not answer within %.0f s after the drain's deadline (stopped, hung, "
                   "or the node is gone); the cells %s held stay pending: %s. Ending the run without %s (MPI_Abort, "
                   "exit %d): every commit is durable, and the same command resumes\n",
                   many ? "s" : "", ranks.c_str(), sched::kReportAllowance, many ? "they" : "it",
                   held.empty() ? "none" : held.c_str(), many ? "them" : "it", kExitInterrupted);
      std::fflush(stderr);
      world.abort(kExitInterrupted);
    }
  } else {
    sched::run_worker(world, cells, store, paths, settings, budget);
  }
  store.close();
  boost::mpi::broadcast(world, exit_code, 0);
  return exit_code;
}

}  // namespace

}  // namespace npde::cli
