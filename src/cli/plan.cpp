// `npdesweep plan SWEEP.toml`: validate a sweep and show its grid and cost, computing nothing.
#include <cstdio>
#include <iostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "pipeline/cost_model.hpp"
#include "spec/canonical.hpp"
#include "spec/input_error.hpp"
#include "spec/sweep_file.hpp"
#include "store/sweep_store.hpp"

namespace npde::cli {
namespace {

const char* kDescription = R"(Validates a sweep file (docs/sweep-file.md) and prints its hash, grid size, a sample of cells
with their content hashes, and an estimate of the cost, without computing anything.)";
const char* kFooter = "Exit codes: 0 valid, 2 not valid (FILE:LINE: KEY: message).";

}  // namespace

int plan(int argc, char** argv) {
  std::string file;
  bool all = false;
  CommandLine cl("plan", kDescription, kFooter);
  cl.positional("SWEEP.toml", file, "the sweep file");
  cl.flag("--all", all, "list every cell instead of a sample");
  if (auto code = cl.parse(argc, argv)) return *code;
  SweepSpec sweep;
  try {
    sweep = read_sweep_file(file);
  } catch (const InputError& e) {
    return report_error("plan", e, ErrorKind::input);
  }
  const std::vector<GridCell> cells = enumerate_cells(sweep);
  std::printf("sweep %s  hash %s\n", sweep.name.c_str(), content_hash(canonical_sweep_toml(sweep)).c_str());
  std::printf("grid: %zu resolutions x %zu training stencils x %zu inference stencils x %zu ICs x %zu steppers x %d "
              "replicates = %zu cells\n",
              sweep.resolutions.size(), sweep.train_stencils.size(), sweep.infer_stencils.size(), sweep.ics.size(),
              std::max<size_t>(1, sweep.steppers.size()), sweep.replicates, cells.size());
  double total = 0;
  for (const GridCell& c : cells) total += experiment_flops(c.spec);
  std::printf("%6s  %-16s  %s\n", "id", "hash", "cell (N:train:infer:IC:replicate)  est. seconds");
  for (const GridCell& c : cells) {
    const bool show = all || c.id < 5 || c.id == static_cast<long>(cells.size()) - 1;
    if (!show) {
      if (c.id == 5) std::printf("   ...\n");
      continue;
    }
    std::printf("%6ld  %s  %s  %.3g\n", c.id, content_hash(canonical_toml(c.spec)).c_str(), c.spec.name.c_str(),
                experiment_flops(c.spec) / kMeasuredFlopsPerSecond);
  }
  std::printf("estimated cost: %.3g GFLOP, about %.3g core-seconds at %.0f GFLOP/s (measured rate of one core);\n"
              "with W workers expect about %.3g / W seconds of wall time\n",
              total * 1e-9, total / kMeasuredFlopsPerSecond, kMeasuredFlopsPerSecond * 1e-9,
              total / kMeasuredFlopsPerSecond);
  std::printf("store: at least %.3g MB on disk (the HDF5 file and one shard per cell; `run` checks it fits)\n",
              estimated_store_bytes(cells) * 1e-6);
  return kExitOk;
}

}  // namespace npde::cli
