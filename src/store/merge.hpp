#pragma once
// Merging stores: the finished cells of several stores of one sweep name (separate SLURM jobs,
// separate clusters) become one new store that resumes and grows like any other (docs/store.md,
// "Merging").
//
// The merged store's history is the inputs' histories, in the order given, each sweep once; its
// current sweep (its view) is the last input's, or the one given. Its cells are store_cells() of
// that history, so ids follow the usual rule. A cell is matched across inputs by its content
// hash. A finished cell (done or diverged) that several inputs hold is taken once, after its
// results (status and every result dataset, timing aside) are checked equal bit for bit; cells
// that differ are a conflict, refused unless one input is preferred. Failed cells are not taken:
// they have no results, and the merged store runs them again.
//
// Kill safety: everything but the HDF5 file is written into a sidecar under a temporary name
// (INTO.h5.merging.d: shards copied and fsync'd, history, sweep.toml, journal, provenance), which
// is renamed to INTO.h5.d in one step; then the file is made from it as `repair` makes one. A kill
// before the rename leaves no store (merging again starts over); a kill after it leaves a store
// whose file `repair` or the next `run` rebuilds from the journal and shards, and whose readers
// wait on its rebuilding mark meanwhile.
#include <map>
#include <string>
#include <vector>

#include "pipeline/cell_status.hpp"
#include "store/store_cells.hpp"
#include "store/store_paths.hpp"

namespace npde {

// One input store, read without being modified (its journal and shards only: a run may be
// writing to it).
struct MergeInput {
  std::string path;                      // as given
  StorePaths paths;
  std::vector<std::string> history;      // canonical sweep texts
  std::string current;                   // its sweep.toml
  StoreCells cells;
  std::map<long, CellStatus> committed;  // its cell id -> status
  explicit MergeInput(const std::string& store);
};

// A cell of the merged store and where its results come from.
struct MergedCell {
  long id = -1;                 // in the merged store
  std::string hash;
  CellStatus status = CellStatus::done;
  size_t from = 0;              // the input it is taken from
  long from_id = -1;            // its id there
  std::vector<size_t> also;     // other inputs holding it with equal results
  bool preferred = false;       // its copies differed; taken from the preferred input
};

struct MergeConflict {
  std::string hash, cell_name;
  size_t a = 0, b = 0;          // inputs
  std::string difference;       // what differs
};

struct MergePlan {
  std::vector<MergeInput> inputs;
  std::vector<std::string> history;
  std::string current;           // canonical text of the merged store's current sweep
  std::string current_hash;
  StoreCells cells;
  std::vector<MergedCell> taken;             // in merged-store id order
  std::vector<MergeConflict> conflicts;      // all of them, resolved by `prefer` or not
  long failed_left = 0;          // failed cells no input finished: they run again
  long unusable = 0;             // committed copies whose shard could not be used
  std::vector<std::string> notes;
};

// Reads the inputs and decides every cell; writes nothing. `sweep_canonical`: the current
// sweep's canonical text, or empty for the last input's. `prefer`: the input (as given) whose
// copy is taken where copies differ, or empty to refuse differing copies. Throws InputError
// (not a store, stores of different sweep names, a store given twice, INTO among the inputs or
// already there, differing copies and nothing preferred: one message listing them).
MergePlan plan_merge(const std::vector<std::string>& stores, const std::string& into,
                     const std::string& sweep_canonical, const std::string& prefer);

// Writes the merged store at `into` (kill-safe as above); returns the rows restored into its file.
long write_merge(const MergePlan& plan, const std::string& into);

// "" if two result files (shards) hold the same results bit for bit (status and every declared
// result dataset; timing and provenance attributes aside), else the first difference.
std::string result_difference(const std::string& a, const std::string& b);

}  // namespace npde
