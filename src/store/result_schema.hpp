#pragma once
// The result datasets of one experiment, each declared once: path, element type, the shape a
// store reserves for it, description, units, and where its value comes from. The run-one writer
// (result_file.cpp) writes every one from this table, the sweep store (sweep_store.cpp) creates
// its per-resolution columns and copies shards into rows by it, and a test checks that
// docs/result-file.md and docs/store.md name exactly these paths. Adding a metric is one entry.
//
// Not in the table: attributes (they describe the run, not a per-experiment array) and the three
// axis datasets rollout/test_ic, rollout/time and jacobian/state_index, which a store keeps once
// per resolution group as dimension scales.
#include <string>
#include <vector>

#include "pipeline/experiment.hpp"
#include "store/h5.hpp"

namespace npde {

struct ResultValue {
  bool present = false;             // false: not written (e.g. no weights recorded)
  std::vector<hsize_t> shape;       // as produced; at most the reserved shape
  std::vector<unsigned char> bytes; // row-major
};

struct ResultDataset {
  std::string path;          // under / of a result file, under /results/N<n>/ of a store
  h5::Type type;
  std::string description;
  std::string units;
  bool analysis;             // only experiments that reached the analysis (status done) have it
  std::vector<hsize_t> (*reserved_shape)(const ExperimentSpec&);
  ResultValue (*value)(const ExperimentSpec&, const ExperimentResult&);
};

const std::vector<ResultDataset>& result_datasets();

}  // namespace npde
