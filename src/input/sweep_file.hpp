#pragma once
// Sweep files (sweeps/*.toml): the experiment settings shared by every cell, plus a [grid] of
// axes whose product (with zipped axes varying together and exclusions left out) is the set of
// experiments (docs/sweep-file.md).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "pipeline/experiment_spec.hpp"
#include "input/job_keys.hpp"

namespace npde {

// One value of a grid axis. `text` is its canonical TOML text: what the canonical sweep writes,
// what exclusions and `plan --cells` compare and print, what the store's axis column holds.
struct AxisValue {
  std::string text;
  long line = 0;
  // The parsed value of a named axis (the one that applies): resolution, a stencil or stepper
  // name, a training IC.
  int integer = 0;
  std::string word;
  InitialCondition ic;
  // A dotted axis's value (a job key's), typed: what the store's axis column holds.
  KeyValue value;
};

// The named axes, in their enumeration order; every other axis is a job key by its dotted path
// ("training.learning_rate"), enumerated after them in key order.
const std::vector<std::string>& named_axes();

struct GridAxis {
  std::string key;  // a named axis or a dotted job key
  std::vector<AxisValue> values;
  long line = 0;
  int zip = -1;  // its [[grid.zip]] table, or -1 when it varies alone
  bool named() const;
};

// A [[grid.exclude]] table: a cell whose value of every listed axis matches is left out.
struct GridExclusion {
  std::vector<std::pair<size_t, size_t>> match;  // (axis index, value index)
  long line = 0;
};

struct SweepSpec {
  std::string name;
  std::uint64_t seed = 0;
  int replicates = 1;
  // Everything but the grid: the sections with the first value of every dotted axis set (the
  // canonical text writes them without the axis keys).
  ExperimentSpec base;
  std::vector<GridAxis> axes;  // enumeration order (named axes first, then dotted keys sorted)
  std::vector<GridExclusion> exclusions;
  // The sections for each combination of dotted-axis values (keyed by their value indexes, in
  // axis order), read and validated like a job file's.
  std::map<std::vector<size_t>, ExperimentSpec> variants;
  // Cells before exclusions: the product of the axis (and zip) lengths and replicates.
  long product() const;
  const GridAxis* axis(const std::string& key) const;  // nullptr when the grid has no such axis
};

// One cell of the grid: where it sits and what it computes.
struct GridCell {
  long id = 0;  // position in the fixed enumeration order
  int replicate = 0;
  std::vector<size_t> value;  // index of this cell's value on each axis of the sweep
  ExperimentSpec spec;
  std::string hash;  // content_hash(canonical_toml(spec)): the cell's identity, its resume key
};

// A sweep file is one about to run (or be planned) here: every cell's memory must fit this
// machine (check_memory).
SweepSpec read_sweep_file(const std::string& path);
// The same for sweep text in memory (a store's `sweep_toml`); `source` names it in errors. Not
// held against this machine's memory: a store made on a large node reads on a laptop.
SweepSpec read_sweep_text(const std::string& text, const std::string& source);
// Only the test initial conditions of sweep text ([analysis] test_ics), for readers of a store
// older than its stored test_ic coordinate: nothing else of the text is read, so no cell is
// enumerated, hashed or validated, and a sweep the grammar would now refuse still gives them.
std::vector<InitialCondition> read_sweep_test_ics(const std::string& text, const std::string& source);

// Every cell in a fixed order: the axes in `sweep.axes` order (a zip varies as one axis, at the
// place of its first member), then the replicate, the last fastest; excluded cells are skipped
// and ids count the rest. Names and seeds derive from content only, never from rank or order.
std::vector<GridCell> enumerate_cells(const SweepSpec& sweep);

// Initial-weight seed of a cell: a hash of the sweep seed (or the cell's `experiment.seed` axis
// value), the network's widths and the replicate, so cells differing only in numerics, ICs or
// training settings start from the same weights.
std::uint64_t derive_seed(std::uint64_t sweep_seed, const std::vector<int>& widths, int replicate);

}  // namespace npde
