#pragma once
// What a run of a sweep on an existing store will do, decided before it runs (`plan --store`,
// and `run`'s warning when finished cells went stale): which of the sweep's cells the store has
// finished (reused), which are new, which it had finished under another job (an edit such as
// training.epochs changed their content hash: they run again), and which failed ones stay failed
// (run again only with --retry-failed). Reads the store's history, sweep.toml and journal only.
#include <map>
#include <string>
#include <vector>

#include "input/sweep_file.hpp"

namespace npde {

enum class RerunFate { reuse, fresh, recompute, failed };

struct RerunPreview {
  std::vector<RerunFate> fate;        // per cell of the sweep, in its enumeration order
  std::vector<std::string> why;       // per cell: for recompute, the job keys that changed ("training.epochs 200 -> 300")
  std::map<std::string, long> changed;  // changed key -> cells recomputed because of it
  long reuse = 0, fresh = 0, recompute = 0, failed = 0;
  long kept_outside = 0;              // finished cells of the store the sweep does not have
  bool empty_store = true;            // no store there yet: everything is new
};

// Throws InputError when the store belongs to a sweep of another name (as `run` would refuse it).
RerunPreview preview_rerun(const std::string& store, const SweepSpec& sweep, const std::vector<GridCell>& cells);

// One line for people: "12 reused, 4 new, 66 recomputed (training.epochs changed), 2 failed ...".
std::string describe(const RerunPreview& p);

}  // namespace npde
