// `npdesweep identify FILE.h5 ...`: which stencil made these truth data? From the stored
// trajectories alone (pipeline/stencil_detection.hpp), before any network is trained.
#include <cmath>
#include <cstring>
#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "pipeline/stencil_detection.hpp"
#include "input/input_error.hpp"
#include "input/job_file.hpp"
#include "input/toml_reader.hpp"
#include "store/h5.hpp"
#include "store/store_reader.hpp"

namespace npde::cli {
namespace {

const char* kDescription = R"(Names the stencil that made a dataset's truth trajectories, from the trajectories alone. For
every stencil of the catalogue in the varied term of the job's case it integrates that
right-hand side over one output step from each stored state and measures how far it lands from
the next one (the flow share: missed / moved, squared norms); the data's own stencil lands within
the integrator's tolerance, another by its truncation difference. A stencil is named when every
other one's flow share is over 100 times the best's; otherwise all the candidates within that
factor are said ("cannot tell from"); when even the nearest misses more than 0.05 of each
step's motion, no candidate made the data (a corrected or filtered dataset, another solver, or
noise as large as the motion), and it says so instead of naming the nearest. Beside it, as evidence that needs no integrator: the time derivative (a central
difference of order 8 at the interior output steps) fitted by least squares onto each
candidate's right-hand side, its residual share and coefficient (1 for the data's stencil); and
the data's departure from the exact right-hand side fitted onto each candidate's leading
truncation terms (the modified equation): coefficient b (1 for the data's stencil on resolved
data) and the share of the departure left unexplained (--candidates shows both).
The job's own training stencil is not used, only shown beside the answer. docs/numerics.md,
"Which stencil made the data".
A FILE is a run-one result file with solution fields (run-one keeps them by default: /fields/truth
and /fields/training_truth, with the job in the job_toml attribute; docs/result-file.md), a
sweep store whose sweep keeps them (analysis.fields): one answer per done cell, or a trajectory
file from any solver: /trajectories (trajectories x (steps + 1) x grid points, float64) and a
[pde] table as TOML text in the root attribute pde_toml (docs/trajectory-file.md).)";
const char* kFooter = R"(Examples:
  npdesweep run-one jobs/burgers-expt1.toml --epochs 0 --out e1.h5 && npdesweep identify e1.h5
  npdesweep identify store.h5 --format csv
  npdesweep identify my-solver-output.h5 --candidates      # a trajectory file (docs/trajectory-file.md)
Exit codes: 0 (every dataset read; named or not), 2 a file without truth fields, not a result
file, store or trajectory file, or a bad pde_toml (file:line:key named), 4 an I/O error.)";

struct Dataset {
  std::string source, experiment, recorded;  // where, which, and the job's own training stencil
  StencilDetection detection;
};

StencilDetection detect(const ExperimentSpec& spec, const std::vector<double>& truth, const std::vector<hsize_t>& shape,
                        const std::vector<double>* training) {
  // (trajectory, step, x) row-major -> N x (steps + 1) per trajectory
  const size_t n = static_cast<size_t>(spec.pde.resolution), steps = shape.at(shape.size() - 2);
  if (shape.back() != n) throw BadFileError("its fields have " + std::to_string(shape.back()) + " grid points, its job " + std::to_string(n));
  std::vector<Eigen::MatrixXd> trajectories;
  const auto add = [&](const double* at) {
    Eigen::MatrixXd t(static_cast<long>(n), static_cast<long>(steps));
    for (size_t k = 0; k < steps; ++k)
      for (size_t j = 0; j < n; ++j) t(static_cast<long>(j), static_cast<long>(k)) = at[k * n + j];
    trajectories.push_back(std::move(t));
  };
  for (size_t i = 0; i < truth.size() / (steps * n); ++i) add(truth.data() + i * steps * n);
  if (training) add(training->data());
  try {
    return detect_stencil(spec.pde, trajectories, spec.dt);
  } catch (const std::invalid_argument& e) {
    throw BadFileError(e.what());
  }
}

void read_result_file_data(const std::string& path, std::vector<Dataset>& out) {
  h5::Object f = h5::open_file_read_only(path);
  if (!h5::attribute_exists(f.id(), ".", "job_toml"))
    throw BadFileError(path + ": not a run-one result file, sweep store or trajectory file (no job_toml attribute, no "
                       "/experiments, no /trajectories)");
  if (!h5::exists(f.id(), "/fields/truth"))
    throw BadFileError(path + ": no truth fields (/fields/truth): run-one keeps them unless --fields none; a result whose "
                       "experiment diverged has none");
  const ExperimentSpec spec = read_job_text(h5::read_string_attribute(f.id(), ".", "job_toml"), path + ": job_toml");
  std::vector<hsize_t> shape;
  const std::vector<double> truth = h5::read_doubles(f.id(), "/fields/truth", &shape);
  std::vector<double> training;
  if (h5::exists(f.id(), "/fields/training_truth")) training = h5::read_doubles(f.id(), "/fields/training_truth");
  out.push_back({path, spec.name, spec.train_stencil, detect(spec, truth, shape, training.empty() ? nullptr : &training)});
}

// A trajectory file (docs/trajectory-file.md): /trajectories (M x (S + 1) x N, float64) and the
// grid and case in a [pde] table of TOML text (root attribute pde_toml), as a job file writes it;
// resolution and steps may be left out (the shape gives them) and must agree when given.
void read_trajectory_file(const std::string& path, std::vector<Dataset>& out) {
  h5::Object f = h5::open_file_read_only(path);
  if (!h5::attribute_exists(f.id(), ".", "pde_toml"))
    throw BadFileError(path + ": a trajectory file needs the root attribute pde_toml (the [pde] table of a job: case, dt, "
                       "the case's parameters; docs/trajectory-file.md)");
  std::vector<hsize_t> shape;
  const std::vector<double> values = h5::read_doubles(f.id(), "/trajectories", &shape);
  if (shape.size() != 3 || shape[1] < 3 || shape[2] < 2)
    throw BadFileError(path + ": /trajectories must be trajectories x (steps + 1) x grid points, with at least 3 states "
                       "and 2 points (docs/trajectory-file.md)");
  const std::string source = path + ": pde_toml";
  toml::table root = TomlReader::parse_text(h5::read_string_attribute(f.id(), ".", "pde_toml"), source);
  toml::table* pde_table = root["pde"].as_table();
  if (!pde_table) throw InputError(source, 1, "pde", "missing table [pde] (case, dt and the case's parameters)");
  const long long n = static_cast<long long>(shape[2]), steps = static_cast<long long>(shape[1] - 1);
  for (const auto& [key, value] : {std::pair<const char*, long long>{"resolution", n}, {"steps", steps}}) {
    if (!pde_table->contains(key)) {
      pde_table->insert(key, value);
    } else if (const auto given = (*pde_table)[key].value<long long>(); given && *given != value) {
      TomlReader r(*pde_table, source, "pde");
      r.fail(key, "is " + std::to_string(*given) + ", but /trajectories has " + std::to_string(value) +
                      (std::string(key) == "steps" ? " steps" : " grid points"));
    }
  }
  TomlReader top(root, source, "");
  TomlReader pde = top.table("pde");
  double dt = 0;
  int read_steps = 0;
  const PdeSettings settings = read_pde_section(top, pde, &dt, &read_steps);
  top.finish();
  ExperimentSpec spec;
  spec.pde = settings;
  spec.dt = dt;
  spec.name = h5::attribute_exists(f.id(), ".", "name") ? h5::read_string_attribute(f.id(), ".", "name") : "-";
  const std::string said = h5::attribute_exists(f.id(), ".", "stencil") ? h5::read_string_attribute(f.id(), ".", "stencil") : "-";
  out.push_back({path, spec.name, said, detect(spec, values, shape, nullptr)});
}

void read_store_data(const std::string& path, std::vector<Dataset>& out) {
  long with_fields = 0;
  const std::vector<StoredCell> cells = stored_cells(path);
  h5::Object f = h5::open_file_read_only(path);
  for (const StoredCell& cell : cells) {
    if (cell.status != CellStatus::done || !cell.in_view) continue;
    const std::string g = "/results/" + cell.group + "/fields/";
    if (!h5::exists(f.id(), g + "truth")) continue;
    ++with_fields;
    const ExperimentSpec spec = read_job_text(stored_job_text(path, cell), path + ": cell " + std::to_string(cell.id));
    const h5::RawData truth = h5::read_row(f.id(), g + "truth", static_cast<hsize_t>(cell.row));
    std::vector<double> values(truth.bytes.size() / sizeof(double)), training;
    std::memcpy(values.data(), truth.bytes.data(), truth.bytes.size());
    if (h5::exists(f.id(), g + "training_truth")) {
      const h5::RawData t = h5::read_row(f.id(), g + "training_truth", static_cast<hsize_t>(cell.row));
      training.resize(t.bytes.size() / sizeof(double));
      std::memcpy(training.data(), t.bytes.data(), t.bytes.size());
    }
    out.push_back({path + "#" + std::to_string(cell.id), spec.name, spec.train_stencil,
                   detect(spec, values, truth.shape, training.empty() ? nullptr : &training)});
  }
  if (with_fields == 0)
    throw BadFileError(path + ": no done cell keeps truth fields (the sweep's [analysis] fields is \"none\"; set it to "
                       "\"rollouts\" and run the sweep again)");
}

}  // namespace

int identify(int argc, char** argv) {
  std::vector<std::string> files;
  Format format = Format::table;
  bool candidates = false;
  CommandLine cl("identify", kDescription, kFooter);
  cl.positional("FILE.h5", files, "run-one result files with fields, sweep stores that keep them, or trajectory files");
  add_format_option(cl, format, "output: table (default), csv or json");
  cl.flag("--candidates", candidates, "also every candidate's residual share and coefficient, per dataset");
  if (auto code = cl.parse(argc, argv)) return *code;
  std::vector<Dataset> data;
  for (const std::string& path : files) {
    try {
      bool store = false, trajectories = false;
      {
        if (!h5::is_hdf5(path)) throw BadFileError(path + ": not an HDF5 file");
        h5::Object f = h5::open_file_read_only(path);
        store = h5::exists(f.id(), "/experiments");
        trajectories = h5::exists(f.id(), "/trajectories");
      }
      if (store)
        read_store_data(path, data);
      else if (trajectories)
        read_trajectory_file(path, data);
      else
        read_result_file_data(path, data);
    } catch (const std::exception& e) {  // every message names the file (InputError's name file:line too)
      const std::string what = e.what();
      return report_error("identify", e, ErrorKind::bad_file, what.rfind(path, 0) == 0 ? "" : path + ": ");
    }
  }
  Table table({{"source", ""}, {"experiment", ""}, {"named", "made by"}, {"job_stencil", "job says"},
               {"agrees", ""}, {"best", "nearest"}, {"best_flow_share", "its flow share"}, {"runner_up", "runner-up"},
               {"runner_up_flow_share", "its flow share"}, {"tied", "cannot tell from"},
               {"undecided", "why undecided"}});
  for (const Dataset& d : data) {
    const StencilDetection& x = d.detection;
    const bool two = x.candidates.size() > 1;
    std::string tied;
    for (const std::string& s : x.tied) tied += (tied.empty() ? "" : ", ") + s;
    table.row()
        .text(d.source)
        .text(d.experiment)
        .text(x.named.empty() ? "-" : x.named)
        .text(d.recorded)
        .text(x.named.empty() || d.recorded == "-" ? "-" : x.named == d.recorded ? "yes" : "no")
        .text(x.best)
        .number(x.candidates[0].flow_share, "{:.3g}")
        .text(two ? x.candidates[1].stencil : "")
        .number(two ? x.candidates[1].flow_share : std::nan(""), "{:.3g}")
        .text(tied)
        .text(x.undecided);
  }
  table.print(std::cout, format);
  if (candidates)
    for (const Dataset& d : data) {
      const StencilDetection& x = d.detection;
      std::printf("\n%s (%s): %ld states; the time difference of order %d has an error of about %.3g, the data "
                  "depart from the exact right-hand side by %.3g (both as shares of ||du/dt||^2)%s\n",
                  printable(d.source).c_str(), printable(d.experiment).c_str(), x.states, x.derivative_order, x.floor, x.departure,
                  x.departure > 10 * x.floor ? ""
                                             : "; the departure is within the time difference's error, so the "
                                               "truncation fit says nothing here");
      Table c({{"stencil", ""}, {"flow_share", "flow share"}, {"residual_share", "du/dt fit: residual share"},
               {"coefficient", "coefficient"}, {"truncation_share", "truncation fit: b"},
               {"truncation_error", "+-"}, {"truncation_residual", "unexplained"}});
      for (const StencilEvidence& e : x.candidates)
        c.row()
            .text(e.stencil)
            .number(e.flow_share, "{:.3g}")
            .number(e.residual_share, "{:.3g}")
            .number(e.coefficient, "{:.6g}")
            .number(e.truncation_share, "{:.4g}")
            .number(e.truncation_error, "{:.2g}")
            .number(e.truncation_residual, "{:.3g}");
      c.print(std::cout, format);
    }
  return kExitOk;
}

}  // namespace npde::cli
