#pragma once
// The cells a store knows, across the sweeps it has run: the store grows with its sweep.
//
// A store keeps the canonical text of every distinct sweep that ran on it, in the order they
// first ran, in its history (STORE.h5.d/history/<n>.toml; a store made before growth has only
// sweep.toml, its one sweep). Its cells are those of the first sweep in enumeration order, then
// each later sweep's cells whose content hash is new, in that sweep's order: a cell's id is its
// index in this list, so it never changes while the store grows, and the journal, the shards
// (<id>-<hash>.h5) and the HDF5 rows keep meaning the same cell. The current sweep (sweep.toml,
// the one run last) is the store's view: queries show it unless asked for every cell.
#include <string>
#include <vector>

#include "input/sweep_file.hpp"
#include "store/store_paths.hpp"

namespace npde {

struct StoreCells {
  std::vector<SweepSpec> sweeps;   // the history, in the order the sweeps first ran
  size_t current_index = 0;        // which of them is the current sweep
  std::vector<GridCell> cells;     // every cell of the store; cells[i].id == i
  std::vector<size_t> sweep_of;    // the sweep each cell was first defined by (GridCell::value refers to its axes)
  std::vector<bool> in_view;       // whether the cell is one of the current sweep's
  std::vector<long> view;          // the current sweep's cells, in its enumeration order
  const SweepSpec& current() const { return sweeps[current_index]; }
};

// The cells of a history of canonical sweep texts whose current sweep is `current` (added to
// the history when it is not in it); `source` names the store in errors.
StoreCells store_cells(std::vector<std::string> history, const std::string& current, const std::string& source);

// The store's history: history/<n>.toml in order, or sweep.toml alone for a store made before
// growth, or nothing for a store that has neither.
std::vector<std::string> read_history(const StorePaths& paths);
// Appends a sweep to the history unless it is in it (durably: each file written, fsync'd and
// renamed into place, the implicit sweep.toml entry of an older store first).
void append_history(const StorePaths& paths, const std::vector<std::string>& history, const std::string& canonical);

// The value of a job key ("training.learning_rate", "experiment.seed") for one cell: its axis
// value when its sweep varies the key, else the setting its sweep gave it (the key registry's
// value, spec/job_keys.hpp); an empty text when the cell's job has no such key.
KeyValue cell_value(const StoreCells& store, long id, const std::string& key);

}  // namespace npde
