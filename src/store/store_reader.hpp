#pragma once
// Read-only access to a sweep store for status, query and plots: the experiments table, the
// status, and per-experiment scalar metrics derived from the result datasets. Opens the file
// without HDF5's file lock and writes nothing, so it is safe on a store a sweep is writing.
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "pipeline/cell_status.hpp"
#include "input/error.hpp"

namespace npde {

struct ExperimentRow {
  long id = 0;
  bool in_view = true;     // in the store's current sweep (false: kept from an earlier sweep)
  std::string hash;        // content hash of the cell's canonical job
  long long seed = 0;      // seed of its initial weights
  std::map<std::string, std::string> keys;  // store, sweep, case, train_stencil, ..., replicate, status, dotted axes
  std::string message;
  std::map<std::string, double> metrics;    // NaN when the experiment has no such value
  // The metrics that depend on the test IC, once per test IC (empty unless the cell is done);
  // `metrics` holds their worst case over test ICs (rollout_blowups: their sum).
  std::vector<std::map<std::string, double>> per_test_ic;
};

struct StoreContents {
  std::string sweep_name, sweep_hash;
  int schema_version = 0;
  long cells = 0;
  std::vector<std::string> test_ics;  // labels of the sweep's test ICs, e.g. "step(A=10)"
  std::vector<std::string> axis_keys;  // the sweep's dotted grid axes ("training.learning_rate"), keys of every row
  std::vector<ExperimentRow> rows;
  std::vector<std::string> metric_names;  // every metric present, in a stable order
  long outside_view = 0;  // finished cells of earlier sweeps of a grown store (in rows only when read with all)
  // Every cell of the store by id (rows may leave some out): its content hash and whether it is
  // in the current sweep. A journal record counts only for the id and hash it names.
  std::vector<std::string> cell_hashes;
  std::vector<bool> cell_in_view;
};

// The keys queries can filter and group on: the experiment's own, then `test_ic`, which makes
// the unit of a query one (experiment, test IC) pair instead of one experiment.
const std::vector<std::string>& experiment_keys();
// The same with the store's dotted grid axes ("training.learning_rate") before `test_ic`.
std::vector<std::string> experiment_keys(const StoreContents& store);

// Throws (spec/error.hpp) with a one-line reason: an input error when the file is missing or
// unreadable by name, BadFileError when it is not HDF5 or not an npdesweep store, IoError when
// reading it failed.
// The rows are the cells of the store's current sweep; with `all`, also the finished cells that
// only earlier sweeps of a grown store had (docs/store.md, "Growth").
// `wanted`: metric names a caller will ask for; rollout_error@K among them is computed for any
// output step K (the reader's own are K = 1, steps/2, steps).
StoreContents read_store(const std::string& path, bool all = false, const std::vector<std::string>& wanted = {});

// Several stores read as one (query, export): the rows of each in turn. Every row has the keys
// `store` (its path as given) and `sweep` (its sweep's name), one store or many. The test ICs,
// dotted axes and metrics are the union: a row lacks a dotted axis another store has (empty
// text) or a test IC its store lacks (no values).
StoreContents read_stores(const std::vector<std::string>& paths, bool all = false,
                          const std::vector<std::string>& wanted = {});

// A run-one result file read as one row by the same metric reader: keys `experiment` (its name),
// case, train_stencil, infer_stencil, resolution and status, and the metrics (and per test IC)
// a store's cell with that result has. Throws as read_store.
ExperimentRow read_result_file(const std::string& path);

// One cell of a store, found by its id or its content hash (`which`: digits, or 4 to 16 hex
// digits that start exactly one cell's hash). Throws an input error naming what exists
// when no cell (or more than one) matches, and as read_store for the file.
struct StoredCell {
  long id = -1;
  std::string hash, group;  // its results group under /results
  int row = 0;
  CellStatus status = CellStatus::pending;
  bool in_view = true;
};
StoredCell find_stored_cell(const std::string& path, const std::string& which);
// Every cell of the store, by id (one read of /experiments and /status).
std::vector<StoredCell> stored_cells(const std::string& path);

// The job of a stored cell as a job file that `run-one` reproduces: its canonical text (from its
// shard, STORE.h5.d/shards, or else from the store's sweep history) with analysis.fields stated
// even at none, since run-one's default is all; throws BadFileError when neither is there.
std::string stored_job_text(const std::string& path, const StoredCell& cell);

}  // namespace npde
