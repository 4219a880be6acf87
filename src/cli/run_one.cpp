// `npdesweep run-one JOB.toml`: one experiment, no MPI. Steps:
//   1. parse options   2. read and validate the job (and --init-weights) before any compute
//   3. run truth -> training -> analysis with progress on stderr
//   4. print the summary   5. write the result file atomically
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <unistd.h>

#include <fmt/format.h>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/summary.hpp"
#include "pipeline/experiment.hpp"
#include "input/canonical.hpp"
#include "input/job_file.hpp"
#include "store/h5.hpp"
#include "store/result_file.hpp"
#include "store/result_schema.hpp"

namespace npde::cli {
namespace {

const char* kDescription = R"(Runs one experiment of a job file (see jobs/ and docs/job-file.md): generates truth data,
trains the NeuralPDE with exact gradients, analyses rollouts, Jacobian eigenvalues and how far
the learned term is from the discrete closure and from the physics term, prints a summary and
writes the result file (layout: docs/result-file.md).)";

const char* kFooter = R"(Examples:
  npdesweep run-one jobs/burgers-expt1.toml --out burgers-expt1.h5
  npdesweep run-one jobs/burgers-expt2.toml --init-weights burgers-expt2.h5 --epochs 0

Exit codes: 0 done, 1 the experiment diverged or failed, 2 bad input (nothing written).)";

bool directory_writable(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  return access(dir.c_str(), W_OK) == 0;
}

}  // namespace

// The default result file's name: the experiment name with anything but letters, digits, '.',
// '-' and '_' replaced by '_' and no leading dot, so a name never points outside the current
// directory ("../x" or "/abs/x" becomes "_.._x" or "_abs_x").
static std::string file_name_for(const std::string& name) {
  std::string s;
  for (const char c : name) s += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  if (s.empty() || s[0] == '.') s.insert(s.begin(), '_');
  return s;
}

int run_one(int argc, char** argv) {
  // 1. Options.
  std::string job, out, epochs, init_weights_from, fields;
  bool no_out = false, quiet = false;
  CommandLine cl("run-one", kDescription, kFooter);
  cl.positional("JOB.toml", job, "the job file");
  cl.option("--out", out, "result file (default: <experiment name>.h5 here, characters other than letters, digits, "
            ". - _ replaced by _)", "FILE.h5");
  cl.flag("--no-out", no_out, "print the summary only, write no file");
  cl.option("--epochs", epochs, "override training.epochs (0: analyse the initial model only)", "N");
  cl.option("--init-weights", init_weights_from,
            "start from the flat parameter vector in F (dataset /weights/final, or F.h5:/path/to/dataset), e.g. a "
            "previous result file, or from a sweep store's cell (STORE.h5:ID or STORE.h5:HASH: its trained weights), "
            "instead of the seeded Glorot initialisation",
            "F");
  cl.option("--fields", fields,
            "which solution fields u(x, t) the result file keeps, overriding the job's analysis.fields: none, "
            "rollouts (each test IC's truth and rollout) or all (the training IC's as well; the default when the job "
            "does not say)",
            "WHICH");
  cl.flag("--quiet", quiet,
          "no progress on stderr (by default: each step as it starts, truth data per IC, training epochs and "
          "the analysis per test IC and state, with the seconds elapsed; lines at most every two seconds within a "
          "step)");
  if (auto code = cl.parse(argc, argv)) return *code;

  // 2. Job, overrides and initial weights: all input errors surface before any compute.
  ExperimentSpec spec;
  Eigen::VectorXd init_weights;
  try {
    spec = read_job_file(job, FieldsKept::all);
    if (cl.given("--fields")) {
      try {
        spec.fields = kind_from_name<FieldsKept>(fields);
      } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("--fields: ") + e.what());
      }
    }
    if (cl.given("--epochs")) {
      const long count = parse_count("--epochs", epochs);
      if (count > 1'000'000'000) throw UsageError("--epochs must be at most 1000000000, got " + epochs);
      spec.training.epochs = static_cast<int>(count);
      SpecLines lines;
      lines.file = job + " with --epochs " + epochs;
      check_memory(spec, lines);
    }
    if (cl.given("--init-weights"))
      init_weights = read_weights(init_weights_from, spec.network().parameter_count());
    if (no_out) {
      out.clear();
    } else {
      if (!cl.given("--out")) out = file_name_for(spec.name) + ".h5";
      if (!directory_writable(out)) throw InputError(out, 0, "--out", "the directory does not exist or is not writable");
    }
  } catch (const Error& e) {  // InputError or UsageError
    return report_error("run-one", e, ErrorKind::input);
  }
  const std::string canonical = canonical_toml(spec);
  const std::string hash = content_hash(canonical);

  // 3. Compute, with a progress line at most every two seconds.
  RunOptions options;
  if (cl.given("--init-weights")) options.initial_weights = &init_weights;
  const auto start = std::chrono::steady_clock::now();
  auto last = start;
  if (!quiet)
    options.on_epoch = [&](int epoch, double loss) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last < std::chrono::seconds(2)) return;
      last = now;
      const double elapsed = std::chrono::duration<double>(now - start).count();
      const double eta = elapsed / (epoch + 1) * (spec.training.epochs - epoch - 1);
      std::fprintf(stderr, "  epoch %d/%d  loss %.4e  elapsed %.1f s  ETA %.1f s\n", epoch + 1, spec.training.epochs,
                   loss, elapsed, eta);
    };
  // Each step as it starts; within one step (a Jacobian per state) at most every two seconds.
  std::string phase_name;
  auto last_phase = start;
  if (!quiet)
    options.on_phase = [&](const std::string& what) {
      const auto now = std::chrono::steady_clock::now();
      const std::string name = what.substr(0, what.find(','));
      if (name == phase_name && now - last_phase < std::chrono::seconds(2)) return;
      phase_name = name;
      last_phase = now;
      std::fprintf(stderr, "  [%.1f s] %s\n", std::chrono::duration<double>(now - start).count(), what.c_str());
    };
  ExperimentResult result;
  try {
    result = run_experiment(spec, options);
  } catch (const std::exception& e) {
    result.status = CellStatus::failed;
    result.message = e.what();
  }

  // 4. Summary.
  print_summary(std::cout, spec, hash, result);

  // 5. Result file.
  if (!out.empty()) {
    try {
      write_result_file(out, spec, canonical, hash, result);
      std::cout << "result file: " << out;
      if (spec.fields != FieldsKept::none && result.status == CellStatus::done)
        std::cout << fmt::format(" (solution fields: {}, {:.3g} MB under /fields; --fields none leaves them out)",
                                 name_of(spec.fields), field_bytes(spec, spec.fields) * 1e-6);
      std::cout << "\n";
    } catch (const std::exception& e) {  // BadFileError or IoError (a full disk); OUT.h5 is untouched
      std::cerr << "npdesweep run-one: cannot write the result file " << out << ": " << e.what() << "\n";
      return kExitFailed;
    }
  }
  return result.status == CellStatus::done ? kExitOk : kExitFailed;
}

}  // namespace npde::cli
