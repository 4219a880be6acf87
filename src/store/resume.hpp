#pragma once
// Resume planning: given a sweep's cells and a store path, decide what a run does before it
// touches anything: whose store it is (the HDF5 file and the journal each name their sweep;
// neither is trusted over the other), whether the file must be made (new, damaged, an older
// layout, or replaced with --force), and which cells are committed, pending or to be
// rewritten from their shards. Then take the lock and open the journal. Used by `run` on rank 0;
// `repair` shares committed_cells.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/cell_status.hpp"
#include "input/sweep_file.hpp"
#include "store/journal.hpp"
#include "store/store_cells.hpp"
#include "store/store_lock.hpp"
#include "store/store_paths.hpp"

namespace npde {

struct ResumeOptions {
  bool force = false;         // replace a store made from an unrelated sweep (or a newer layout)
  bool retry_failed = false;  // cells recorded as failed run again
  bool check_space = true;    // refuse a new store the file system cannot hold
};

struct ResumePlan {
  std::unique_ptr<StoreLock> lock;     // held until the plan is destroyed
  std::unique_ptr<Journal> journal;
  std::vector<std::string> history;      // the store's sweeps, this one last (every rank builds the cells from it)
  StoreCells cells;                      // store_cells(history)
  std::map<long, CellStatus> committed;  // cell id -> status of its last journal record
  std::vector<long> pending;             // cells of this sweep to run, in its enumeration order
  std::vector<long> rewrite;             // committed cells whose rows are checked and restored
  long finished_before = 0, failed_before = 0;  // of this sweep's cells
  long kept_outside = 0;                 // finished cells of earlier sweeps that this one does not have
  bool grown = false;                    // the sweep differs from the store's last one: it grew (or shrank)
  bool create = false;                   // make FILE.h5 (again) before running
  std::string previous;                  // the file it replaces, moved aside: its rows are copied, then it goes
  std::vector<std::string> notes;        // what the plan found worth saying (a rebuild and why)

  // A committed cell whose shard turned out unusable: it runs again.
  void rerun(long id);
};

// Checks the store against the sweep, then (only if they belong together) creates the sidecar
// directories, takes the lock, opens or makes the journal, writes sweep.toml and plans. A store
// belongs to a sweep of the same name: run on an edited sweep, it grows (store/store_cells.hpp):
// the sweep is appended to its history, the journal is moved to it, the file rebuilt, and only
// cells it has not finished run. Throws InputError (a store of a sweep of another name, a newer
// layout, not a store, too little space), StoreLocked (a run holds it), IoError and h5
// errors (the file system failed).
ResumePlan plan_resume(const StorePaths& paths, const std::string& sweep_name, const std::string& canonical_sweep,
                       const std::string& sweep_hash, const ResumeOptions& options);

// The journal's records that belong to these cells (id in range, content hash of that cell),
// the last record of a cell winning (a retried cell is journaled again).
std::map<long, CellStatus> committed_cells(const std::vector<JournalRecord>& records, const std::vector<GridCell>& cells);
// The same for `cells` cells whose content hashes `hash_of(id)` gives (a reader takes them from
// the store's /experiments/hash); `ignored` counts the records that name no cell.
std::map<long, CellStatus> committed_cells(const std::vector<JournalRecord>& records, long cells,
                                           const std::function<std::string(long)>& hash_of, long* ignored = nullptr);

}  // namespace npde
