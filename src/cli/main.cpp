// npdesweep: do neural PDEs learn physics, or the truncation error of their training stencils?
//
// One binary, one subcommand per task (README.md, "Using it"). Sample runs:
//   npdesweep run-one jobs/burgers-expt1.toml --out burgers-expt1.h5
//   npdesweep run-one jobs/gkdv-expt1.toml --epochs 200
//   npdesweep run-one jobs/burgers-expt2.toml --init-weights burgers-expt2.h5 --epochs 0
//   npdesweep summarize burgers-expt1.h5 burgers-expt2.h5
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "input/suggest.hpp"
#include "store/posix_io.hpp"

namespace {

const char* kUsage = R"(usage: npdesweep <command> [options]

Commands:
  run-one JOB.toml     run one experiment (truth -> training -> analysis), print a summary
                       and write its result file
  summarize FILE.h5... one table row per run-one result file, or per cell of one store
  plan SWEEP.toml      validate a sweep file, list its grid and estimate its cost
  run SWEEP.toml --store FILE.h5
                       run or resume a sweep under mpirun (rank 0 schedules, others compute)
  repair STORE.h5      rebuild what a store's HDF5 file lost from its journal and shards
  merge STORE.h5... --into NEW.h5
                       the finished cells of several stores of one sweep in one new store
  status STORE.h5...   counts of done, diverged, failed, pending cells; failure messages
  query STORE.h5...    aggregate a metric over experiment keys; --pivot: train x infer matrix
  export STORE.h5...   one CSV (or JSON-lines) row per experiment: keys and every metric
  show STORE.h5 ID     one cell: status, metrics, message and its job
  extract STORE.h5 ID  one cell out: --out a run-one result file, --job its job file
  identify FILE.h5...  which stencil made a dataset's truth trajectories (result files, stores)
  schema               the statuses, phases, axes, datasets and metrics of result files and
                       stores (--format json for readers in other languages)
  help [COMMAND]       this text, or a command's options

Run `npdesweep <command> --help` (or `npdesweep help <command>`) for a command's options.
A cell's status (done, diverged, failed) says whether its experiment ran to the end: a done
cell was trained and analysed, and its test rollouts may still blow up (the rollout_blowups
metric counts them); diverged means its truth data or training blew up, failed an error.
Exit codes: 0 success, 1 an experiment diverged or failed, 2 bad input (a file, option or
store that is wrong), 3 interrupted (resume by running again), 4 a system failure (an I/O error,
a lost rank: nothing wrong with the input; run again).
)";

// Every command, once: main() dispatches by it, and the did-you-mean and the completion script
// (scripts/npdesweep-completion.bash, which reads `npdesweep --help`) know the same names.
struct Command {
  const char* name;
  int (*main)(int argc, char** argv);
};
constexpr Command kCommands[] = {
    {"run-one", npde::cli::run_one}, {"summarize", npde::cli::summarize}, {"plan", npde::cli::plan},
    {"run", npde::cli::run},         {"repair", npde::cli::repair},       {"merge", npde::cli::merge},
    {"status", npde::cli::status},   {"query", npde::cli::query},         {"export", npde::cli::export_store},
    {"show", npde::cli::show},       {"extract", npde::cli::extract},     {"identify", npde::cli::identify},
    {"schema", npde::cli::schema},
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::cout << "npdesweep " << NPDESWEEP_VERSION << "\n";
    return 0;
  }
  std::string command = argv[1];
  // `npdesweep help COMMAND` is `npdesweep COMMAND --help`.
  std::vector<char*> help_argv;
  if (command == "help") {
    if (argc < 3) {
      std::cout << kUsage;
      return 0;
    }
    static char help_flag[] = "--help";
    help_argv = {argv[0], argv[2], help_flag, nullptr};  // argv[argc] is null, as MPI_Init expects
    argc = 3;
    argv = help_argv.data();
    command = argv[1];
  }
  try {
    npde::posix::load_faults_from_environment();  // test hook, see docs/store.md
  } catch (const std::invalid_argument& e) {
    std::cerr << "npdesweep: " << e.what() << "\n";
    return 2;
  }
  for (const Command& c : kCommands)
    if (command == c.name) return c.main(argc - 1, argv + 1);
  // One line naming the closest command, not the whole help.
  std::vector<std::string> commands = {"help"};
  for (const Command& c : kCommands) commands.emplace_back(c.name);
  std::cerr << "npdesweep: unknown command '" << npde::cli::printable(command) << "'"
            << npde::did_you_mean(command, commands) << " (`npdesweep --help` lists the commands)\n";
  return 2;
}
