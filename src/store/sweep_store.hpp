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
#include "input/sweep_file.hpp"
#include "store/h5.hpp"
#include "store/store_paths.hpp"

namespace npde {


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

// shard_problem (store/store_paths.hpp), and also whether the shard's datasets fit the row the
// cell of `spec` reserves: empty if the shard can be written into that row, else the reason.
std::string shard_problem(const std::string& path, const std::string& hash, const ExperimentSpec& spec);

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
