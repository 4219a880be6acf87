#include "sched/sweep_service.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <unistd.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>

#include "sched/signals.hpp"
#include "sched/watchdog.hpp"
#include "input/canonical.hpp"
#include "input/error.hpp"
#include "store/posix_io.hpp"
#include "store/rerun_preview.hpp"

namespace npde::sched {
namespace {

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


// Rank 0: the store's checks (before anything is touched), its lock, journal and pending list,
// into the verdict every rank receives.
void plan_on_master(const SweepRequest& request, const StorePaths& paths, const std::string& sweep_hash,
                    ResumePlan& plan, Verdict& verdict) {
  try {
    ResumeOptions resume = request.resume;
    // NPDESWEEP_SKIP_SPACE_CHECK is a test hook: the fault tests fill a file system during
    // creation on purpose.
    resume.check_space = !std::getenv("NPDESWEEP_SKIP_SPACE_CHECK");
    // What an edit did to finished cells, decided before the store moves to this sweep: said
    // loudly (even with --quiet) when finished cells run again because their job changed.
    RerunPreview preview;
    if (!resume.force) try {
        preview = preview_rerun(paths.file, request.sweep, enumerate_cells(request.sweep));
      } catch (const std::exception&) {  // plan_resume says what is wrong with the store
      }
    plan = plan_resume(paths, request.sweep.name, verdict.canonical, sweep_hash, resume);
    for (const std::string& note : plan.notes) std::fprintf(stderr, "npdesweep run: %s\n", note.c_str());
    if (preview.recompute > 0) {
      std::string keys;
      for (const auto& [key, n] : preview.changed) keys += (keys.empty() ? "" : ", ") + key + " (" + std::to_string(n) + " cells)";
      std::fprintf(stderr,
                   "npdesweep run: WARNING: %ld cells the store had finished run again: their job changed (%s). "
                   "Their earlier results stay in the store outside this sweep (query --all); `npdesweep plan "
                   "SWEEP.toml --store STORE` shows this before a run.\n",
                   preview.recompute, keys.c_str());
    }
    verdict.create = plan.create;
  } catch (const Error& e) {
    // bad input or a held lock: 2; a failing file system (and a damaged store file that cannot
    // be rebuilt) while preparing: stopped by the system, 4
    const bool system = e.kind() == ErrorKind::io || e.kind() == ErrorKind::bad_file;
    verdict.code = system ? kExitAborted : exit_code(e.kind());
    verdict.message = std::string("npdesweep run: ") + (system ? "cannot prepare the store: " : "") + e.what();
  } catch (const std::exception& e) {
    verdict.code = kExitAborted;
    verdict.message = std::string("npdesweep run: cannot prepare the store: ") + e.what();
  }
}

// Rank 0, with the store open: rows a previous file had or the journal committed are written
// back (cells whose shard is gone run again), and what the run will do is said.
void restore_on_master(const SweepRequest& request, const StorePaths& paths, const StoreCells& store_cells,
                       int workers, SweepStore& store, ResumePlan& plan) {
  const char* name = request.sweep.name.c_str();
  const bool quiet = request.settings.quiet;
  const std::vector<GridCell>& cells = store_cells.cells;
  if (!plan.previous.empty()) {
    try {
      const long copied = store.copy_rows_from(plan.previous, cells, plan.rewrite);
      if (!quiet && copied) std::fprintf(stderr, "[%s] copied %ld finished rows from the previous file\n", name, copied);
    } catch (const std::exception& e) {  // the shards have every row: restore from them instead
      std::fprintf(stderr, "[%s] the previous file's rows cannot be copied (%s); restoring them from shards\n", name,
                   e.what());
    }
  }
  std::vector<LostShard> lost;
  const long restored = restore_committed_rows(store, cells, plan.rewrite, paths, &lost);
  if (!plan.previous.empty()) posix::remove(plan.previous);
  for (const LostShard& m : lost) {  // committed, but its durable copy is gone: run it again
    std::fprintf(stderr, "[%s] cell %ld is in the journal but %s; running it again\n", name, m.id, m.why.c_str());
    plan.rerun(m.id);
  }
  if (quiet) return;
  if (restored) std::fprintf(stderr, "[%s] restored %ld committed rows from their shards\n", name, restored);
  if (plan.grown)
    std::fprintf(stderr,
                 "[%s] the sweep changed: %ld of its cells are finished in the store and reused (same content "
                 "hash), %zu are new or unfinished%s\n",
                 name, plan.finished_before, plan.pending.size(),
                 plan.kept_outside ? ("; " + std::to_string(plan.kept_outside) +
                                      " finished cells of earlier sweeps stay in the store outside this sweep "
                                      "(query --all shows them)")
                                         .c_str()
                                   : "");
  const size_t in_sweep = store_cells.view.size();
  if (plan.pending.empty())
    std::fprintf(stderr, "[%s] nothing to do: all %zu cells are finished%s\n", name, in_sweep,
                 plan.failed_before > 0
                     ? (" (" + std::to_string(plan.failed_before) + " failed: --retry-failed runs them again)").c_str()
                     : "");
  else
    std::fprintf(stderr, "[%s] %zu cells, %ld already finished, %zu to run on %d workers\n", name, in_sweep,
                 plan.finished_before, plan.pending.size(), workers);
}

// Rank 0, after the loop: the exit code and what to do next. A silent rank (MasterOutcome)
// ends the job here with MPI_Abort.
int report_on_master(const boost::mpi::communicator& world, const SweepRequest& request, const ResumePlan& plan,
                     const MasterOutcome& o, const std::vector<std::string>& hosts, const std::vector<int>& pids) {
  const char* name = request.sweep.name.c_str();
  // Failed cells of earlier runs count too until --retry-failed reruns them.
  const int code = !o.store_error.empty()                 ? kExitAborted
                   : o.unfinished > 0                     ? kExitInterrupted
                   : o.failed + plan.failed_before > 0    ? kExitFailed
                                                          : kExitOk;
  if (!o.store_error.empty())
    std::fprintf(stderr, "npdesweep run: stopped because the store cannot take results (%s); committed cells are "
                         "kept: free space or fix the file system, then rerun to resume\n",
                 o.store_error.c_str());
  if (!request.settings.quiet) {
    const char* f = request.store_path.c_str();
    std::fprintf(stderr, "[%s] results in %s; look at them with\n  npdesweep status %s\n  npdesweep summarize %s\n"
                         "  npdesweep query %s --list\n",
                 name, f, f, f, f);
    if (o.unfinished > 0) std::fprintf(stderr, "[%s] %ld cells not run: the same command resumes\n", name, o.unfinished);
  }
  if (!o.silent_ranks.empty()) {
    // The store is closed collectively, which a silent rank never joins: end the job here, as a
    // drain ends (exit 3). Every commit is in the journal and its shard, both durable; the next
    // run rebuilds the HDF5 file from them if the abort left it incomplete.
    std::string ranks, held;
    for (int r : o.silent_ranks) ranks += (ranks.empty() ? "" : ", ") + std::to_string(r);
    for (long id : o.silent_cells) held += (held.empty() ? "" : ", ") + std::to_string(id);
    const bool many = o.silent_ranks.size() > 1;
    std::fprintf(stderr,
                 "npdesweep run: rank%s %s did not answer within %.0f s after the drain's deadline (stopped, hung, "
                 "or the node is gone); the cells %s held stay pending: %s. Ending the run without %s (MPI_Abort, "
                 "exit %d): every commit is durable, and the same command resumes\n",
                 many ? "s" : "", ranks.c_str(), kReportAllowance, many ? "they" : "it",
                 held.empty() ? "none" : held.c_str(), many ? "them" : "it", kExitInterrupted);
    std::fflush(stderr);
    // A stopped rank keeps the SIGTERM the abort sends pending and would outlive the job: the
    // silent ranks on this node get SIGKILL, which a stopped process cannot ignore, from a
    // helper process a second after the abort began (before it, mpirun would report the
    // killed rank's signal as the job's exit code instead of the abort's 3). Ranks on other
    // nodes are their own node's daemon's to end.
    std::vector<pid_t> local;
    for (int r : o.silent_ranks)
      if (r < static_cast<int>(hosts.size()) && hosts[static_cast<size_t>(r)] == hosts[0] && pids[static_cast<size_t>(r)] > 0)
        local.push_back(pids[static_cast<size_t>(r)]);
    if (!local.empty() && ::fork() == 0) {
      ::setsid();  // not in the job's process group: the abort's signals are for the ranks
      ::sleep(1);
      for (pid_t pid : local) ::kill(pid, SIGKILL);
      ::_exit(0);
    }
    world.abort(kExitInterrupted);
  }
  return code;
}

}  // namespace

int run_sweep(boost::mpi::communicator& world, const SweepRequest& request) {
  const bool master = world.rank() == 0;
  const StorePaths paths(posix::resolve_link(request.store_path));

  // 1. Rank 0 plans; every rank gets its verdict and the canonical sweep.
  Verdict verdict;
  verdict.code = request.code;
  verdict.message = request.message;
  ResumePlan plan;
  if (master && verdict.code == 0) {
    verdict.canonical = canonical_sweep_toml(request.sweep);
    plan_on_master(request, paths, content_hash(verdict.canonical), plan, verdict);
  }
  boost::mpi::broadcast(world, verdict, 0);
  if (verdict.code) {
    if (master) std::cerr << verdict.message << "\n";
    return verdict.code;
  }
  const std::string& canonical = verdict.canonical;
  const std::string sweep_hash = content_hash(canonical);
  // Every rank knows the store's cells (this sweep's and earlier ones'): the master's history,
  // sent rather than read, so that no rank depends on when the shared file system shows it.
  boost::mpi::broadcast(world, plan.history, 0);
  const StoreCells store_cells_ = master ? std::move(plan.cells) : store_cells(plan.history, canonical, paths.file);
  const std::vector<GridCell>& cells = store_cells_.cells;

  // 2. Create or open the store together; rank 0 restores rows the file lost.
  install_drain_handlers();
  if (verdict.create) {
    try {
      const Watchdog watchdog("creating the store " + paths.file, world.rank());
      posix::pause_point("create-rank" + std::to_string(world.rank()));  // test hook: a rank that never joins
      SweepStore::create(paths.file, store_cells_, canonical, sweep_hash, world);
    } catch (const Error& e) {  // on to the caller's abort; a rerun makes the file again
      throw Error(e.kind(), "cannot create the store " + paths.file + ": " + e.what(), e.error_number());
    }
  }
  SweepStore store(paths.file, world);
  if (master) {
    // Test hook: the file exists and holds no finished row yet; readers must wait for it.
    if (posix::exists(paths.rebuilding)) posix::pause_point("rebuild");
    restore_on_master(request, paths, store_cells_, world.size() - 1, store, plan);
    // Every finished row is back (a mark a cut-short rebuild left included): readers may read.
    if (posix::exists(paths.rebuilding)) unmark_rebuilding(paths);
  }
  // Where the ranks run (one line, so a multi-node job shows its layout in the log).
  std::vector<std::string> hosts;
  std::vector<int> pids;
  boost::mpi::gather(world, boost::mpi::environment::processor_name(), hosts, 0);
  boost::mpi::gather(world, static_cast<int>(::getpid()), pids, 0);
  if (master && !request.settings.quiet)
    std::fprintf(stderr, "[%s] %s\n", request.sweep.name.c_str(), rank_layout(hosts).c_str());
  // The budget: every rank starts its own steady clock at this barrier; the master's set-up
  // time before it (a duration, comparable across nodes) counts as spent.
  double setup_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - request.entered).count();
  boost::mpi::broadcast(world, setup_seconds, 0);
  world.barrier();
  const Budget budget(std::chrono::steady_clock::now(), request.settings.time_limit_seconds, setup_seconds);

  // 3. Schedule or compute; close the store together.
  int exit_code = kExitOk;
  if (master)
    exit_code = report_on_master(world, request, plan,
                                 run_master(world, cells, plan.pending, plan.finished_before, *plan.journal, paths,
                                            request.sweep.name, request.settings, budget),
                                 hosts, pids);
  else
    run_worker(world, cells, store, paths, request.settings, budget);
  {
    const Watchdog watchdog("closing the store " + paths.file, world.rank());
    store.close();
  }
  boost::mpi::broadcast(world, exit_code, 0);
  return exit_code;
}

}  // namespace npde::sched
