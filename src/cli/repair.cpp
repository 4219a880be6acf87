// `npdesweep repair STORE.h5`: check a sweep store against its journal and shards and rebuild
// what the HDF5 file lost, without computing anything. Runs as a single MPI process (no mpirun
// needed); the store must not be in use (it takes the lock).
#include <cstdio>
#include <iostream>
#include <set>

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "input/canonical.hpp"
#include "input/input_error.hpp"
#include "store/journal.hpp"
#include "store/posix_io.hpp"
#include "store/resume.hpp"
#include "store/store_lock.hpp"
#include "store/sweep_store.hpp"

namespace npde::cli {
namespace {

const char* kDescription = R"(Verifies a sweep store against its commit journal (STORE.h5.d/journal) and the per-cell shards
(STORE.h5.d/shards), and rewrites every committed row the HDF5 file lost. If the HDF5 file
cannot be opened it is recreated from the canonical sweep (STORE.h5.d/sweep.toml) and filled
from the shards, as it is when the file has an older layout. Computes nothing; cells that were
never committed stay pending for `run`.)";
const char* kFooter = R"(Exit codes: 0 consistent (after repair), 1 committed cells whose shards are missing (a later
`run` recomputes them), 2 not a store or held by a running sweep, 4 an I/O error (run again).)";

}  // namespace

int repair(int argc, char** argv) {
  boost::mpi::environment env(argc, argv, false);
  boost::mpi::communicator world;
  std::string store_file;
  CommandLine cl("repair", kDescription, kFooter);
  cl.positional("STORE.h5", store_file, "the sweep store");
  if (auto code = cl.parse(argc, argv)) return *code;
  if (world.size() != 1) {
    std::cerr << "npdesweep repair: runs as one process, not under mpirun -np > 1\n";
    return kExitBadInput;
  }
  const StorePaths paths(posix::resolve_link(store_file));
  try {
    if (!posix::exists(paths.journal) || !posix::exists(paths.sweep_toml))
      throw InputError(paths.file, 0, "", "is not a sweep store (no " + paths.journal + " or " + paths.sweep_toml + ")");
    const std::vector<std::string> history = read_history(paths);
    const StoreCells store_cells_ = store_cells(history, posix::read_file(paths.sweep_toml), paths.file);
    const SweepSpec& sweep = store_cells_.current();
    const std::vector<GridCell>& cells = store_cells_.cells;
    const std::string canonical = canonical_sweep_toml(sweep);
    const std::string hash = content_hash(canonical);
    StoreLock lock(paths.lock);
    // A growth cut short may have left the journal naming an earlier sweep of the history.
    {
      const std::string head = posix::read_file(paths.journal);
      const std::string named = head.substr(0, head.find('\n')).substr(head.substr(0, head.find('\n')).rfind(' ') + 1);
      for (const std::string& text : history)
        if (named != hash && named == content_hash(text)) retarget_journal(paths.journal, hash);
    }
    Journal journal(paths.journal, hash);
    long ignored = 0;
    std::vector<long> committed;
    for (const auto& [id, status] : committed_cells(journal.read(&ignored), cells)) committed.push_back(id);
    bool rebuilt = false;
    try {
      const StoreIdentity identity = stored_identity(paths.file);
      if (identity.sweep_hash != hash) throw BadFileError("hash mismatch");
      if (identity.schema_version > kSchemaVersion)
        throw InputError(paths.file, 0, "schema_version",
                         "was written by a newer npdesweep (store schema " + std::to_string(identity.schema_version) +
                             ", this one writes " + std::to_string(kSchemaVersion) + "); repair it with that version");
      if (identity.schema_version < kSchemaVersion)
        throw BadFileError("store schema " + std::to_string(identity.schema_version) + ", an older layout than " +
                        std::to_string(kSchemaVersion));
    } catch (const BadFileError& e) {
      std::printf("%s cannot be used (%s): recreating it\n", paths.file.c_str(), e.what());
      mark_rebuilding(paths);  // readers wait until the rows are back
      SweepStore::create(paths.file, store_cells_, canonical, hash, MPI_COMM_SELF);
      rebuilt = true;
    }
    SweepStore store(paths.file, MPI_COMM_SELF);
    std::vector<LostShard> missing;
    const long restored =
        restore_committed_rows(store, cells, committed, paths, &missing);
    store.close();
    if (rebuilt || posix::exists(paths.rebuilding)) unmark_rebuilding(paths);  // also a mark a cut-short run left
    std::printf("sweep %s: %zu cells in the store, %zu committed in the journal (%ld damaged lines cut), %ld rows rewritten from "
                "shards%s, %zu committed cells without a usable shard\n",
                sweep.name.c_str(), cells.size(), committed.size(), ignored, restored, rebuilt ? " into a new file" : "",
                missing.size());
    for (const LostShard& m : missing) std::printf("  cell %ld: %s; `run` will run it again\n", m.id, m.why.c_str());
    // Rows that are present are checked too: a committed cell whose shard is gone has the file as
    // its only copy, and a rebuild of the file would lose it.
    std::vector<std::pair<long, std::string>> ids;
    for (long id : committed) ids.emplace_back(id, cells[static_cast<size_t>(id)].hash);
    std::set<long> rewritten_missing;
    for (const LostShard& m : missing) rewritten_missing.insert(m.id);
    long row_only = 0;
    for (long id : cells_without_shard(paths, ids))
      if (!rewritten_missing.count(id)) {
        ++row_only;
        std::printf("  cell %ld: its row is in the file but its shard is missing: the file is its only copy, and a "
                    "rebuild of the file would lose it\n",
                    id);
      }
    return missing.empty() && row_only == 0 ? kExitOk : kExitFailed;
  } catch (const Error& e) {  // bad input or a held lock: 2; an I/O error: 4
    return report_error("repair", e, ErrorKind::input);
  } catch (const std::exception& e) {
    std::cerr << "npdesweep repair: " << e.what() << "\n";
    return kExitFailed;
  }
}

}  // namespace npde::cli
