#pragma once
// The sweep store: one HDF5 file over MPI-IO (layout: docs/store.md) plus a sidecar directory
// STORE.d/ with the commit journal, the per-experiment shards and the lock.
//
// Life cycle, for kill -9 safety (docs/store.md, "Crash safety"): every group, dataset and attribute
// is created collectively when the store is made (contiguous, allocated and filled at
// creation) and flushed once; afterwards ranks only write raw data of their own rows,
// independently, the result data first and the status code last. The shard of an experiment
// (a run-one result file, fsync'd and renamed into place) is written before its row and is the
// durable copy from which a lost row is rewritten.
#include <map>
#include <string>
#include <vector>

#include <mpi.h>

#include "pipeline/cell_status.hpp"
#include "spec/sweep_file.hpp"
#include "store/h5.hpp"

namespace npde {


struct StorePaths {
  std::string file, sidecar, journal, lock, shards, sweep_toml, history;
  std::string rebuilding;  // FILE.h5.d/rebuilding: present while a run or repair rebuilds the file
  explicit StorePaths(const std::string& store_file);  // `file` is store_file with its links resolved
  std::string shard(long id, const std::string& hash) const;
  std::string history_entry(int n) const;  // history/<n>.toml: the n-th sweep run on the store
};

// A run rebuilding a store's file (growth, a layout upgrade, a damaged file) or `repair` marks it
// from before the old file is moved aside until every finished row is back, so that readers wait
// instead of meeting a missing, half-made or not yet restored file. The mark names host and pid.
void mark_rebuilding(const StorePaths& paths);
void unmark_rebuilding(const StorePaths& paths);
// Readers: waits while the mark exists, up to `seconds` (none when it names a process of this
// host that is gone: a rebuild cut short). Returns "" once there is no mark, else what it says.
std::string wait_while_rebuilding(const StorePaths& paths, double seconds);
// The rebuilding mark when the process that wrote it, on this host, is gone (the rebuild was cut
// short: `repair` or `run` finishes it), else "".
std::string cut_short_rebuild(const StorePaths& paths);

struct StoreCells;  // store/store_cells.hpp

class SweepStore {
 public:
  // Collective: creates the file with every dataset for the store's cells (the current sweep's
  // and those of earlier sweeps it keeps).
  static void create(const std::string& path, const StoreCells& store, const std::string& canonical_text,
                     const std::string& sweep_hash, MPI_Comm comm);
  // Collective: opens an existing store for writing rows.
  SweepStore(const std::string& path, MPI_Comm comm);

  // Independent: copies the shard of one experiment into its row, then its status code. Throws
  // if the shard is not that cell's (its content hash differs from `hash`).
  void write_row_from_shard(const GridCell& cell, const std::string& hash, const std::string& shard_path);
  // Independent: records a failure without a shard (the experiment threw).
  void write_status(long id, CellStatus status, const std::string& message);

  std::vector<int> read_status_codes() const;

  // Rank 0, on a store just created: copies, in bulk, the rows of the `committed` cells that a
  // previous file of the same store (`previous`, same layout) holds finished under the same
  // content hash (ids are the same across growth). Much faster than restoring each row from
  // its shard; rows it cannot copy are left for restore_committed_rows. Returns how many.
  long copy_rows_from(const std::string& previous, const std::vector<GridCell>& cells, const std::vector<long>& committed);

  void close();  // collective; throws if HDF5 cannot close the file (its final flush failed)

 private:
  hid_t dataset(const std::string& path);  // opened once, kept open: rows are written often
  std::string path_;
  h5::Object file_;
  std::map<std::string, h5::Object> datasets_;
  std::vector<std::string> groups_;  // /experiments/group, read at the first row written
};

// A committed cell whose durable copy cannot be used: it has to run again.
struct LostShard {
  long id = -1;
  std::string why;  // "its shard is missing", "... cannot be read: ...", "... holds another cell ..."
};

// Why the shard at `path` cannot stand for the cell with content hash `hash`: empty if it can
// (an HDF5 file that opens, names that hash and a schema version this npdesweep knows, and,
// given the cell's spec, whose datasets fit the row the cell reserves), else the reason.
std::string shard_problem(const std::string& path, const std::string& hash, const ExperimentSpec* spec = nullptr);

// The cells among `ids` (with their content hashes) whose shard file is not in the store's
// shards directory: one listing of the directory, not a stat per cell.
std::vector<long> cells_without_shard(const StorePaths& paths, const std::vector<std::pair<long, std::string>>& ids);

// Rewrites, from their shards, the rows of committed cells whose status code in the file is not
// a finished one (a crash lost them, or the file was rebuilt). Each shard is checked first
// (shard_problem); committed cells without a usable shard go to *lost. Returns the number of
// rows rewritten.
long restore_committed_rows(SweepStore& store, const std::vector<GridCell>& cells, const std::vector<long>& committed,
                            const StorePaths& paths, std::vector<LostShard>* lost = nullptr);

// About how many bytes the store of these cells takes on disk: every cell's row in the HDF5
// file (allocated when the file is made) plus its shard, which holds the same numbers.
double estimated_store_bytes(const std::vector<GridCell>& cells);

// Whose store is this, and in which layout: the sweep hash and schema_version attributes of an
// existing store file (serial open). Throws BadFileError if either is missing (a file whose
// creation was cut short has no sweep hash).
struct StoreIdentity {
  std::string sweep_hash;
  int schema_version = 0;
};
StoreIdentity stored_identity(const std::string& path);

}  // namespace npde
