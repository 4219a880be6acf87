#include "spec/sweep_file.hpp"

#include <set>
#include <sstream>

#include "numerics/runge_kutta.hpp"
#include "spec/canonical.hpp"
#include "spec/field_rules.hpp"
#include "spec/job_file.hpp"

namespace npde {

// Grids larger than this are refused: each cell costs a spec, a hash and a row in memory on
// every rank before any work starts.
constexpr long kMaxCells = 100'000;
namespace {

template <class T>
void require_distinct(TomlReader& r, const std::string& key, const std::vector<T>& values) {
  if (values.empty()) r.fail(key, "must list at least one value");
  std::set<T> seen(values.begin(), values.end());
  if (seen.size() != values.size()) r.fail(key, "lists a value twice");
}

std::vector<std::string> stencil_list(TomlReader& r, const std::string& key) {
  const toml::node* n = r.get_node(key);
  if (!n || !n->is_array()) r.fail(key, "must be an array of stencil names");
  std::vector<std::string> out;
  for (const toml::node& el : *n->as_array()) {
    if (!el.is_string() || !is_stencil_name(el.as_string()->get()))
      throw InputError(r.file(), static_cast<long>(el.source().begin.line), r.path_of(key),
                       "unknown stencil " + (el.is_string() ? "'" + el.as_string()->get() + "'" : "value") +
                           "; known stencils: " + join(stencil_names()));
    out.push_back(el.as_string()->get());
  }
  require_distinct(r, key, out);
  return out;
}

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  // splitmix64 finaliser over the running value: good avalanche, no dependencies
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
  h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
  return h ^ (h >> 31);
}

std::string cell_name(const SweepSpec& s, const ExperimentSpec& e, int replicate) {
  std::ostringstream os;
  os << s.name << ":N" << e.pde.resolution << ":" << e.train_stencil << ":" << e.infer_stencil << ":"
     << e.train_ic.label();
  if (!s.steppers.empty()) os << ":" << e.integrator.model;
  os << ":r" << replicate;
  return os.str();
}

}  // namespace

std::uint64_t derive_seed(std::uint64_t sweep_seed, const std::vector<int>& widths, int replicate) {
  std::uint64_t h = mix(0x6e70646573776570ull, sweep_seed);  // "npdeswep"
  for (int w : widths) h = mix(h, static_cast<std::uint64_t>(w));
  return mix(h, static_cast<std::uint64_t>(replicate)) >> 1;  // fits a TOML integer
}

namespace {

SweepSpec read_sweep_table(const toml::table& root, const std::string& path) {
  TomlReader top(root, path, "");
  SweepSpec s;
  ExperimentSpec& b = s.base;

  TomlReader sweep = top.table("sweep");
  s.name = sweep.get_string("name");
  if (s.name.empty() || s.name.find_first_of(" :/\t") != std::string::npos)
    sweep.fail("name", "must be non-empty without spaces, ':' or '/'");
  const long long seed = sweep.get_integer("seed", 0);
  if (seed < 0) sweep.fail("seed", "must be a non-negative integer");
  s.seed = static_cast<std::uint64_t>(seed);
  s.replicates = positive_int(sweep, "replicates", 1);
  sweep.finish();

  TomlReader pde = top.table("pde");
  if (pde.has("resolution")) pde.fail("resolution", "belongs in [grid] resolution = [...] in a sweep file");
  b.pde = read_pde_section(top, pde, &b.dt, &b.steps, /*with_resolution=*/false);

  TomlReader network = top.table("network");
  const long hidden_line = network.line_of("hidden"), steps_line = pde.line_of("steps");
  b.hidden.clear();
  for (long long w : network.get_integer_list("hidden", std::vector<long long>{20, 20})) {
    if (w < 1 || w > 100000) network.fail("hidden", "hidden widths must be integers from 1 to 100000");
    b.hidden.push_back(static_cast<int>(w));
  }
  one_of(network, "activation", {"tanh"}, std::string("tanh"));
  network.finish();

  TomlReader training = top.table("training");
  const long transitions_line = training.line_of("transitions"), epochs_line = training.line_of("epochs");
  b.training = read_training_section(training);
  bool integrator_model_set = false;
  if (auto integrator = top.optional_table("integrator")) {
    integrator_model_set = integrator->has("model");
    b.integrator = read_integrator_section(*integrator);
  }

  TomlReader analysis = top.table("analysis");
  const long jacobian_line = analysis.line_of("jacobian_states");
  for (TomlReader& t : analysis.table_list("test_ics")) b.test_ics.push_back(read_initial_condition(t));
  if (b.test_ics.empty()) analysis.fail("test_ics", "must list at least one test initial condition");
  if (b.one_shot() && analysis.has("jacobian_states"))
    analysis.fail("jacobian_states", "one-shot models are analysed through the flow map u0 -> u(T); remove this key");
  for (long long st : analysis.get_integer_list("jacobian_states", std::vector<long long>{0})) {
    if (st < 0 || st > 1'000'000'000) analysis.fail("jacobian_states", "states must be integers from 0 to pde.steps - 1");
    if (!b.one_shot()) b.jacobian_states.push_back(static_cast<int>(st));
  }
  analysis.finish();

  TomlReader grid = top.table("grid");
  const long resolution_line = grid.line_of("resolution");
  for (long long n : grid.get_integer_list("resolution")) {
    if (n < 2 || n > 1'000'000) grid.fail("resolution", "resolutions must be integers from 2 to 1000000");
    s.resolutions.push_back(static_cast<int>(n));
  }
  require_distinct(grid, "resolution", s.resolutions);
  const long train_line = grid.line_of("train_stencil"), infer_line = grid.line_of("infer_stencil");
  s.train_stencils = stencil_list(grid, "train_stencil");
  s.infer_stencils = stencil_list(grid, "infer_stencil");
  for (TomlReader& t : grid.table_list("ic")) s.ics.push_back(read_initial_condition(t));
  if (s.ics.empty()) grid.fail("ic", "must list at least one training initial condition");
  if (grid.has("stepper")) {
    if (integrator_model_set)
      grid.fail("stepper", "the stepper is either an axis here or one value in [integrator] model, not both");
    const toml::node* n = grid.get_node("stepper");
    if (!n->is_array()) grid.fail("stepper", "must be an array of stepper names");
    for (const toml::node& el : *n->as_array()) {
      if (!el.is_string() || !is_stepper_name(el.as_string()->get()))
        throw InputError(grid.file(), static_cast<long>(el.source().begin.line), grid.path_of("stepper"),
                         "unknown stepper " + (el.is_string() ? "'" + el.as_string()->get() + "'" : "value") +
                             "; known steppers: " + join(stepper_names()));
      s.steppers.push_back(el.as_string()->get());
    }
    require_distinct(grid, "stepper", s.steppers);
  }
  grid.finish();
  top.finish();
  // Before anything is enumerated (a million cells of specs and hashes would not fit in memory).
  if (s.size() > kMaxCells)
    throw InputError(path, sweep.line_of("replicates") > 0 ? sweep.line_of("replicates") : resolution_line,
                     sweep.line_of("replicates") > 0 ? "sweep.replicates" : "grid",
                     "the grid has " + std::to_string(s.size()) + " cells; one sweep holds at most " +
                         std::to_string(kMaxCells) + " (split it into several sweeps)");

  // Every combination must be valid: the same checks as a job file, with the grid's lines.
  SpecLines lines;
  lines.file = path;
  lines.resolution = resolution_line;
  lines.train_stencil = train_line;
  lines.infer_stencil = infer_line;
  lines.fixed_stencil = pde.line_of("fixed_stencil");
  lines.transitions = transitions_line;
  lines.jacobian_states = jacobian_line;
  lines.hidden = hidden_line;
  lines.epochs = epochs_line;
  lines.steps = steps_line;
  lines.resolution_key = "grid.resolution";
  lines.train_key = "grid.train_stencil";
  lines.infer_key = "grid.infer_stencil";
  for (const GridCell& c : enumerate_cells(s)) validate_experiment(c.spec, lines);
  return s;
}

}  // namespace

SweepSpec read_sweep_file(const std::string& path) { return read_sweep_table(TomlReader::parse_file(path), path); }

SweepSpec read_sweep_text(const std::string& text, const std::string& source) {
  return read_sweep_table(TomlReader::parse_text(text, source), source);
}

std::vector<GridCell> enumerate_cells(const SweepSpec& s) {
  std::vector<GridCell> cells;
  cells.reserve(static_cast<size_t>(s.size()));
  const std::vector<std::string> steppers = s.steppers.empty() ? std::vector<std::string>{s.base.integrator.model} : s.steppers;
  for (int n : s.resolutions)
    for (const std::string& train : s.train_stencils)
      for (const std::string& infer : s.infer_stencils)
        for (const InitialCondition& ic : s.ics)
          for (const std::string& stepper : steppers)
            for (int r = 0; r < s.replicates; ++r) {
              GridCell c;
              c.id = static_cast<long>(cells.size());
              c.replicate = r;
              c.spec = s.base;
              c.spec.pde.resolution = n;
              c.spec.train_stencil = train;
              c.spec.infer_stencil = infer;
              c.spec.train_ic = ic;
              c.spec.integrator.model = stepper;
              c.spec.seed = derive_seed(s.seed, c.spec.network_widths(), r);
              c.spec.name = cell_name(s, c.spec, r);
              cells.push_back(std::move(c));
            }
  return cells;
}

}  // namespace npde
