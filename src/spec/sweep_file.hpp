#pragma once
// Sweep files (sweeps/*.toml): the experiment settings shared by every cell, plus a [grid] of
// lists whose product is the set of experiments (docs/sweep-file.md).
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/experiment_spec.hpp"

namespace npde {

struct SweepSpec {
  std::string name;
  std::uint64_t seed = 0;
  int replicates = 1;
  ExperimentSpec base;  // everything but the grid axes (resolution 0, stencils and IC empty)
  std::vector<int> resolutions;
  std::vector<std::string> train_stencils, infer_stencils;
  std::vector<InitialCondition> ics;  // training ICs
  // The model's stepper as an axis ([grid] stepper); empty: every cell uses base.integrator.model.
  std::vector<std::string> steppers;

  long size() const {
    return static_cast<long>(resolutions.size() * train_stencils.size() * infer_stencils.size() * ics.size() *
                             std::max<size_t>(1, steppers.size())) *
           replicates;
  }
};

// One cell of the grid: where it sits and what it computes.
struct GridCell {
  long id = 0;  // position in the fixed enumeration order
  int replicate = 0;
  ExperimentSpec spec;
};

SweepSpec read_sweep_file(const std::string& path);
// The same for sweep text in memory (a store's `sweep_toml`); `source` names it in errors.
SweepSpec read_sweep_text(const std::string& text, const std::string& source);

// Every cell in a fixed order: resolution, train stencil, infer stencil, IC, stepper (when the
// grid has that axis), replicate (the last varies fastest). Names and seeds derive from content only, never from rank or order.
std::vector<GridCell> enumerate_cells(const SweepSpec& sweep);

// Initial-weight seed of a cell: a hash of the sweep seed, the network's widths and the
// replicate, so cells differing only in numerics or ICs start from the same weights.
std::uint64_t derive_seed(std::uint64_t sweep_seed, const std::vector<int>& widths, int replicate);

}  // namespace npde
