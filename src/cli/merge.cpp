// `npdesweep merge A.h5 B.h5 ... --into C.h5`: the finished cells of several stores of one sweep
// name in one new store (store/merge.hpp). Runs as a single MPI process, like `repair`.
#include <cstdio>
#include <iostream>

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "input/canonical.hpp"
#include "store/merge.hpp"

namespace npde::cli {
namespace {

const char* kDescription = R"(Joins the finished cells of several stores of one sweep name (separate SLURM jobs, separate
clusters) into a new store INTO.h5, which resumes and grows like any other. A cell is matched
across stores by its content hash; a cell that several stores finished is taken once, after its
results (status and every result dataset, timing aside) are checked equal bit for bit. Copies
that differ are refused with a message naming them, unless --prefer names the store whose copy
to take. Failed cells are not taken (the merged store runs them again). The merged store's
history is the inputs' histories in the order given; its view (what status, query and export
show without --all) is the last store's sweep, or --sweep's. Which store each cell came from is
kept in INTO.h5.d/provenance. The inputs are only read (a run may still be writing to them: what
their journals had committed is merged).)";
const char* kFooter = R"(Examples:
  npdesweep merge cluster-a.h5 cluster-b.h5 --into all.h5
  npdesweep merge part1.h5 part2.h5 --into all.h5 --sweep sweeps/full.toml
  npdesweep merge a.h5 b.h5 --into all.h5 --prefer a.h5     # where copies differ, a.h5's

Kill safety: a kill before the merged store's sidecar is renamed into place leaves nothing
(merge again); after it, `npdesweep repair INTO.h5` (or the next run) finishes the file.

Exit codes: 0 merged, 2 bad input (not a store, different sweep names, INTO exists, copies that
differ; nothing written), 4 an I/O error (remove INTO.h5 and INTO.h5.d and merge again).)";

}  // namespace

int merge(int argc, char** argv) {
  boost::mpi::environment env(argc, argv, false);
  boost::mpi::communicator world;
  std::vector<std::string> stores;
  std::string into, sweep_file, prefer;
  bool quiet = false;
  CommandLine cl("merge", kDescription, kFooter);
  cl.positional("STORE.h5", stores, "the stores to merge, in order (their histories, and so the merged ids, follow it)");
  cl.option("--into", into, "the new store to make (must not exist)", "INTO.h5")->required();
  cl.option("--sweep", sweep_file,
            "the merged store's current sweep (its view), of the stores' sweep name; default: the last store's",
            "SWEEP.toml");
  cl.option("--prefer", prefer, "where copies of a cell differ, take this store's (as given) instead of refusing",
            "STORE.h5");
  cl.flag("--quiet", quiet, "print nothing but errors");
  if (auto code = cl.parse(argc, argv)) return *code;
  if (world.size() != 1) {
    std::cerr << "npdesweep merge: runs as one process, not under mpirun -np > 1\n";
    return kExitBadInput;
  }
  try {
    const std::string sweep_text = sweep_file.empty() ? "" : canonical_sweep_toml(read_sweep_file(sweep_file));
    const MergePlan plan = plan_merge(stores, into, sweep_text, prefer);
    if (!quiet)
      for (const std::string& note : plan.notes) std::printf("note: %s\n", note.c_str());
    const long rows = write_merge(plan, into);
    if (quiet) return kExitOk;
    std::vector<long> from(plan.inputs.size()), shared(plan.inputs.size());
    long duplicated = 0, preferred = 0, outside = 0;
    for (const MergedCell& m : plan.taken) {
      ++from[m.from];
      duplicated += !m.also.empty();
      preferred += m.preferred;
      outside += !plan.cells.in_view[static_cast<size_t>(m.id)];
    }
    std::printf("merged %zu stores of sweep '%s' into %s: %zu finished cells (%ld rows written)\n", plan.inputs.size(),
                plan.cells.current().name.c_str(), into.c_str(), plan.taken.size(), rows);
    for (size_t k = 0; k < plan.inputs.size(); ++k)
      std::printf("  %s: %ld taken from it, of %zu committed there\n", plan.inputs[k].path.c_str(), from[k],
                  plan.inputs[k].committed.size());
    if (duplicated && preferred)
      std::printf("  %ld cells were in several stores: %ld with equal results, %ld differed (taken from %s)\n",
                  duplicated, duplicated - preferred, preferred, prefer.c_str());
    else if (duplicated)
      std::printf("  %ld cells were in several stores: %ld with equal results\n", duplicated, duplicated);
    if (plan.failed_left)
      std::printf("  %ld failed cells not taken: the merged store runs them again\n", plan.failed_left);
    const long pending = static_cast<long>(plan.cells.view.size()) - (static_cast<long>(plan.taken.size()) - outside);
    std::printf("view: sweep hash %s, %zu cells, %ld finished, %ld pending (`npdesweep run SWEEP.toml --store %s` runs them)\n",
                plan.current_hash.c_str(), plan.cells.view.size(), static_cast<long>(plan.taken.size()) - outside,
                pending, into.c_str());
    if (outside)
      std::printf("  %ld finished cells are outside the view (query, export and summarize show them with --all; "
                  "--sweep with a sweep that has them makes them the view)\n",
                  outside);
    return kExitOk;
  } catch (const std::exception& e) {  // bad input: 2; an I/O error: 4
    return report_error("merge", e, ErrorKind::input);
  }
}

}  // namespace npde::cli
