// `npdesweep run SWEEP.toml --store FILE.h5` under mpirun/srun: run or resume a sweep.
//   1. every rank parses the options; rank 0 validates the sweep and the store (nothing is
//      touched on bad input) and broadcasts the verdict
//   2. rank 0 takes the store lock, reads the journal and works out what is pending
//   3. all ranks create or open the store together; rank 0 rewrites rows the file lost
//   4. rank 0 schedules, the others compute; all close the store together
#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <map>
#include <set>
#include <stdexcept>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/string.hpp>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "sched/scheduler.hpp"
#include "sched/signals.hpp"
#include "spec/canonical.hpp"
#include "spec/input_error.hpp"
#include "store/h5.hpp"
#include "store/posix_io.hpp"
#include "store/store_lock.hpp"

namespace npde::cli {
namespace {

const char* kHelp = R"(usage: mpirun -np P npdesweep run SWEEP.toml --store FILE.h5 [options]

Runs every cell of a sweep (docs/sweep-file.md) on P-1 worker ranks (rank 0 schedules) and
writes the results into one parallel HDF5 store (docs/store.md), with its journal, shards and
lock in FILE.h5.d/. Running the same command again resumes: only cells not yet committed run.

Options:
  --store FILE.h5       the store (created if missing)
  --time-limit T        wall-clock budget, seconds or [HH:]MM:SS: stop handing out cells
                        at T - grace, abandon cells still running at T, exit 3
  --grace S             seconds running cells get after a drain signal (default 30)
  --retry-failed        run cells recorded as failed again
  --force               replace a store made from a different sweep file
  --quiet               no progress on stderr
  -h, --help            this text

Environment: NPDESWEEP_MPIIO_HINTS="key=value,..." passes MPI-IO hints for the store's file
(e.g. striping_factor=8 on Lustre; romio_ds_write=disable where byte-range locks are missing).

Time limit: it counts from the start of the run on rank 0; every rank measures it on its own
clock (nodes share none), and rank 0 alone decides when to drain.

Signals: SIGINT, SIGTERM, SIGUSR1 drain the sweep (no new cells, running ones finish within the
grace period, in whatever phase they are) and it exits 3; rerun the command to resume. A
signal to any one rank drains the whole sweep.
Exit codes: 0 every cell finished (done or diverged), 1 some failed, 2 bad input (nothing
written), 3 drained before the end (resumable), 4 stopped by an error outside the cells (file
system, MPI, a lost rank; committed cells are kept, rerun to resume).
)";

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
  template <class A>
  void serialize(A& ar, unsigned) {
    ar& code& message& create;
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

  // 1. Options and sweep (every rank reads them; rank 0 speaks).
  ParsedArgs args;
  sched::RunSettings settings;
  Verdict verdict;
  SweepSpec sweep;
  std::string store_path;
  try {
    args = parse_args(argc, argv, {"--store", "--time-limit", "--grace"},
                      {"--retry-failed", "--force", "--quiet", "--help", "-h"});
    if (args.has("--help") || args.has("-h")) {
      if (master) std::cout << kHelp;
      return kExitOk;
    }
    if (args.positional.size() != 1) throw UsageError("expected exactly one sweep file");
    if (!args.has("--store")) throw UsageError("--store FILE.h5 is required");
    store_path = args.get("--store");
    if (store_path.empty() || store_path.back() == '/') throw UsageError("--store needs a file name, got '" + store_path + "'");
    if (args.has("--time-limit")) settings.time_limit_seconds = parse_duration("--time-limit", args.get("--time-limit"));
    if (args.has("--grace")) settings.grace_seconds = parse_duration("--grace", args.get("--grace"));
    settings.quiet = args.has("--quiet");
    try {
      h5::mpiio_hints_from_environment();
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
    sweep = read_sweep_file(args.positional[0]);
    if (world.size() < 2) throw UsageError("needs at least 2 ranks (1 master + workers): mpirun -np 3 ...");
  } catch (const Error& e) {  // UsageError or InputError
    verdict = {error_exit_code(e, ErrorKind::input), error_message("run", e)};
  }
  const std::vector<GridCell> cells = verdict.code ? std::vector<GridCell>{} : enumerate_cells(sweep);
  const std::string canonical = verdict.code ? "" : canonical_sweep_toml(sweep);
  const std::string sweep_hash = verdict.code ? "" : content_hash(canonical);
  const StorePaths paths(posix::resolve_link(store_path));

  // 2. Rank 0: store checks (before touching anything), lock, journal, pending list.
  std::unique_ptr<StoreLock> lock;
  std::unique_ptr<Journal> journal;
  std::vector<long> pending, rewrite;
  std::map<long, CellStatus> committed;  // cell id -> status of its last journal record
  long finished_before = 0, failed_before = 0;
  if (master && verdict.code == 0) {
    try {
      const bool file_exists = posix::exists(paths.file), journal_exists = posix::exists(paths.journal);
      // Whose store is this? The journal and the HDF5 file each name their sweep; neither is
      // trusted over the other (a file copied over STORE.h5 belongs to its own sweep).
      std::string journal_hash, file_hash;
      int file_schema = kSchemaVersion;
      bool file_damaged = false;
      if (journal_exists) {
        const std::string head = posix::read_file(paths.journal);
        journal_hash = head.substr(0, head.find('\n'));
        journal_hash = journal_hash.substr(journal_hash.rfind(' ') + 1);
      }
      if (file_exists) {
        try {
          const StoreIdentity identity = stored_identity(paths.file);
          file_hash = identity.sweep_hash;
          file_schema = identity.schema_version;
        } catch (const h5::Error& e) {
          if (!journal_exists) throw InputError(paths.file, 0, "--store", "exists but is not an npdesweep store");
          file_damaged = true;  // half-created or damaged: rebuilt from the journal and shards below
        }
      }
      const bool force = args.has("--force");
      for (const auto& [what, hash] : {std::pair<std::string, std::string>{"the store file", file_hash},
                                       {"its journal " + paths.journal, journal_hash}})
        if (!hash.empty() && hash != sweep_hash && !force)
          throw InputError(paths.file, 0, "--store",
                           what + " was made from a different sweep (hash " + hash + ", this sweep " + sweep_hash +
                               "); use another --store, or --force to replace it");
      // The same sweep in another layout: an older one is rebuilt below, a newer one is not ours.
      const bool outdated = file_hash == sweep_hash && file_schema < kSchemaVersion;
      if (file_hash == sweep_hash && file_schema > kSchemaVersion && !force)
        throw InputError(paths.file, 0, "--store",
                         "was written by a newer npdesweep (store schema " + std::to_string(file_schema) +
                             ", this one writes " + std::to_string(kSchemaVersion) +
                             "); resume it with that version, or --force to replace it");
      // A new store: will it fit? Checked before anything is written. (NPDESWEEP_SKIP_SPACE_CHECK
      // is a test hook: the fault tests fill a file system during creation on purpose.)
      if (!file_exists && !std::getenv("NPDESWEEP_SKIP_SPACE_CHECK")) {
        const double need = estimated_store_bytes(cells);
        const std::string dir = paths.file.rfind('/') == std::string::npos ? "." : paths.file.substr(0, paths.file.rfind('/') + 1);
        struct statvfs fs {};
        if (::statvfs(dir.c_str(), &fs) == 0 && need > static_cast<double>(fs.f_bavail) * fs.f_frsize)
          throw InputError(paths.file, 0, "--store",
                           "the store needs at least " + std::to_string(static_cast<long long>(need / 1e6)) + " MB but " +
                               dir + " has " + std::to_string(static_cast<long long>(fs.f_bavail * fs.f_frsize / 1000000)) +
                               " MB free (npdesweep plan shows the estimate)");
      }
      posix::make_directory(paths.sidecar);
      posix::make_directory(paths.shards);
      lock = std::make_unique<StoreLock>(paths.lock);
      if (force && !journal_hash.empty() && journal_hash != sweep_hash) posix::remove(paths.journal);
      journal = std::make_unique<Journal>(paths.journal, sweep_hash);
      // The last record of a cell wins (a retried cell is journaled again).
      for (const JournalRecord& r : journal->read())
        if (r.id >= 0 && r.id < static_cast<long>(cells.size()) &&
            r.hash == content_hash(canonical_toml(cells[static_cast<size_t>(r.id)].spec)))
          committed[r.id] = r.status;
      if (args.has("--retry-failed"))
        for (auto it = committed.begin(); it != committed.end();) it = it->second == CellStatus::failed ? committed.erase(it) : std::next(it);
      for (const GridCell& c : cells)
        if (!committed.count(c.id)) pending.push_back(c.id);
      for (const auto& [id, status] : committed) {
        rewrite.push_back(id);
        failed_before += status == CellStatus::failed;
      }
      finished_before = static_cast<long>(committed.size());
      if (file_damaged)
        std::fprintf(stderr, "npdesweep run: %s is damaged or was never completed; rebuilding it from the journal "
                             "and shards\n", paths.file.c_str());
      if (outdated && !file_damaged)
        std::fprintf(stderr, "npdesweep run: %s has the layout of store schema %d; rebuilding it in schema %d from "
                             "the journal and shards (finished cells are kept)\n",
                     paths.file.c_str(), file_schema, kSchemaVersion);
      verdict.create = !file_exists || file_damaged || file_hash != sweep_hash || outdated;  // hash: --force
      posix::write_file_atomic(paths.sweep_toml, canonical);  // `repair` rebuilds from it
    } catch (const Error& e) {
      // bad input or a held lock: 2; a failing file system (and a damaged store file that
      // cannot be rebuilt) while preparing: stopped by the system, 4
      const bool system = e.kind() == ErrorKind::io || e.kind() == ErrorKind::bad_file;
      verdict = {system ? kExitAborted : exit_code(e.kind()),
                 system ? std::string("npdesweep run: cannot prepare the store: ") + e.what() : error_message("run", e)};
    } catch (const std::exception& e) {
      verdict = {kExitAborted, std::string("npdesweep run: cannot prepare the store: ") + e.what()};
    }
  }
  boost::mpi::broadcast(world, verdict, 0);
  if (verdict.code) {
    if (master) std::cerr << verdict.message << "\n";
    return verdict.code;
  }

  // 3. Create or open the store together; rank 0 restores rows the file lost.
  sched::install_drain_handlers();
  if (verdict.create) {
    try {
      SweepStore::create(paths.file, sweep, cells, canonical, sweep_hash, world);
    } catch (const std::exception& e) {  // on to run()'s abort; a rerun makes the file again
      throw std::runtime_error("cannot create the store " + paths.file + ": " + e.what());
    }
  }
  SweepStore store(paths.file, world);
  if (master) {
    std::vector<LostShard> lost;
    const long restored = restore_committed_rows(store, cells, rewrite, paths, &lost);
    for (const LostShard& m : lost) {  // committed, but its durable copy is gone: run it again
      std::fprintf(stderr, "[%s] cell %ld is in the journal but %s; running it again\n", sweep.name.c_str(), m.id,
                   m.why.c_str());
      pending.push_back(m.id);
      --finished_before;
      if (committed[m.id] == CellStatus::failed) --failed_before;
    }
    if (restored && !settings.quiet)
      std::fprintf(stderr, "[%s] restored %ld committed rows from their shards\n", sweep.name.c_str(), restored);
    if (!settings.quiet)
      std::fprintf(stderr, "[%s] %zu cells, %ld already finished, %zu to run on %d workers\n", sweep.name.c_str(),
                   cells.size(), finished_before, pending.size(), world.size() - 1);
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
        sched::run_master(world, cells, pending, finished_before, *journal, paths, sweep.name, settings, budget);
    // Failed cells of earlier runs count too until --retry-failed reruns them.
    exit_code = !o.store_error.empty() ? kExitAborted
                : o.unfinished > 0        ? kExitInterrupted
                : o.failed + failed_before > 0 ? kExitFailed
                                               : kExitOk;
    if (!o.store_error.empty())
      std::fprintf(stderr, "npdesweep run: stopped because the store cannot take results (%s); committed cells are "
                           "kept: free space or fix the file system, then rerun to resume\n",
                   o.store_error.c_str());
  } else {
    sched::run_worker(world, cells, store, paths, settings, budget);
  }
  store.close();
  boost::mpi::broadcast(world, exit_code, 0);
  return exit_code;
}

}  // namespace

}  // namespace npde::cli
