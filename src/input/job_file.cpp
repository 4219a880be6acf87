#include "input/job_file.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "numerics/time_stepper.hpp"
#include "numerics/stencil.hpp"
#include "pipeline/cost_model.hpp"
#include "pipeline/initial_condition.hpp"
#include "pipeline/network_kinds.hpp"
#include "pipeline/truth.hpp"
#include "input/case_file.hpp"
#include "input/field_rules.hpp"

namespace npde {

PdeSettings read_pde_section(TomlReader& top, TomlReader& r, double* dt, int* steps, bool with_resolution) {
  PdeSettings pde;
  pde.pde_case = resolve_case(top, r);
  const PdeCase& c = *pde.pde_case;
  pde.name = c.name;
  if (with_resolution) pde.resolution = positive_int(r, "resolution", std::nullopt, 2);
  pde.length = c.length && !r.has("length") ? *c.length : length_value(r, "length");
  *dt = positive(r, "dt");
  *steps = positive_int(r, "steps");
  for (const CaseParameter& p : c.parameters) {
    double v = 0;
    if (p.rule == "positive") {
      v = positive(r, p.name, p.default_value);
    } else {
      v = r.get_number(p.name, p.default_value);
      if (!std::isfinite(v)) r.fail(p.name, "must be finite");
    }
    pde.parameters.push_back(v);
  }
  if (c.uses(StencilRole::Fixed)) pde.fixed_stencil = stencil_name(r, "fixed_stencil", c.fixed_stencil);
  r.finish();
  return pde;
}

InitialCondition read_initial_condition(TomlReader& r) {
  InitialCondition ic;
  ic.kind = one_of_kinds<IcKind>(r, "kind");
  const IcFamily& family = ic_family(ic.kind);
  ic.amplitude = family.positive_amplitude ? positive(r, "amplitude") : r.get_number("amplitude");
  if (!std::isfinite(ic.amplitude)) r.fail("amplitude", "must be finite");
  if (family.parameter) ic.shape = positive(r, family.parameter);
  r.finish();
  return ic;
}

TrainingSettings read_training_section(TomlReader& r) {
  TrainingSettings t;
  t.mode = one_of_kinds<TrainingMode>(r, "mode");
  t.epochs = positive_int(r, "epochs", std::nullopt, 0);
  t.learning_rate = positive(r, "learning_rate", 0.01);
  if (t.mode == TrainingMode::autoregressive) {
    t.transitions = positive_int(r, "transitions", 2);
    t.update = one_of_kinds<UpdateRule>(r, "update", UpdateRule::per_transition);
    if (r.get_node("loss"))
      r.fail("loss", "applies to one_shot training only (autoregressive training has transitions and update)");
  } else {
    t.transitions = 1;
    t.update = UpdateRule::summed;
    t.loss = one_of_kinds<OneShotLoss>(r, "loss", OneShotLoss::final);
  }
  r.finish();
  return t;
}

void read_network_and_training(TomlReader& top, TomlReader& pde, SpecLines& lines, ExperimentSpec& spec) {
  TomlReader network = top.table("network");
  lines.hidden = network.line_of("hidden");
  lines.channels = network.line_of("channels");
  lines.kernel = network.line_of("kernel");
  lines.steps = pde.line_of("steps");
  // Both kinds' settings may be given (so that a sweep can put network.kind on an axis); the
  // job uses its kind's and the canonical text holds only those.
  spec.network_kind = one_of_kinds<NetworkKind>(network, "kind", NetworkKind::mlp);
  auto sizes = [&network](const char* key, std::vector<long long> fallback, const char* what) {
    std::vector<int> out;
    for (long long w : network.get_integer_list(key, fallback)) {
      if (w < 1 || w > 100000) network.fail(key, std::string(what) + " must be integers from 1 to 100000");
      out.push_back(static_cast<int>(w));
    }
    return out;
  };
  spec.hidden = sizes("hidden", {20, 20}, "hidden widths");
  spec.channels = sizes("channels", {8, 8}, "channel counts");
  const long long kernel = network.get_integer("kernel", 5);
  if (kernel < 1 || kernel % 2 == 0)
    network.fail("kernel", "the kernel width must be an odd integer (1, 3, 5, ...): the kernel is centred on its point");
  if (kernel > 100001)
    network.fail("kernel", "a kernel of " + std::to_string(kernel) +
                               " points is wider than any grid npdesweep runs (at most 100001; it must also fit the "
                               "grid, N points)");
  spec.kernel = static_cast<int>(kernel);
  one_of(network, "activation", {"tanh"}, std::string("tanh"));  // the only activation so far
  network.finish();

  TomlReader training_section = top.table("training");
  lines.transitions = training_section.line_of("transitions");
  lines.epochs = training_section.line_of("epochs");
  spec.training = read_training_section(training_section);
}

IntegratorSettings read_integrator_section(TomlReader& r) {
  IntegratorSettings s;
  if (const toml::node* n = r.get_node("substeps")) {
    if (n->is_string() && n->as_string()->get() == "auto") {
      s.substeps = 0;
    } else if (n->is_integer() && n->as_integer()->get() >= 1 && n->as_integer()->get() <= 1'000'000) {
      s.substeps = static_cast<int>(n->as_integer()->get());
    } else {
      r.fail("substeps", "must be \"auto\" or an integer from 1 to 1000000");
    }
  }
  // One vocabulary for all three: the steppers' registry (numerics/time_stepper.hpp).
  const std::vector<std::string>& steppers = time_stepper_names();
  std::vector<std::string> truths{kAdaptiveTruth};
  truths.insert(truths.end(), steppers.begin(), steppers.end());
  s.model = Stepper::named(one_of(r, "model", steppers, s.model.name()));
  if (const std::string truth = one_of(r, "truth", truths, std::string(kAdaptiveTruth)); truth != kAdaptiveTruth)
    s.truth = Stepper::named(truth);
  s.truth_rtol = positive(r, "truth_rtol", 1e-10);
  s.truth_atol = positive(r, "truth_atol", 1e-12);
  s.truth_map = Stepper::named(one_of(r, "truth_map", steppers, s.truth_map.name()));
  s.truth_correction = one_of_kinds<TruthCorrection>(r, "truth_correction", TruthCorrection::none);
  if (s.truth_map != Stepper() && !s.adaptive_truth())
    r.fail("truth_map", "applies to adaptive truth data (truth = \"dopri5\") only: fixed-step truth data give the "
                        "truth map's stepper themselves");
  r.finish();
  return s;
}

long SpecLines::line_of(const std::string& key) const {
  const std::pair<const char*, long> known[] = {
      {"pde.resolution", resolution},    {"stencils.train", train_stencil},     {"stencils.infer", infer_stencil},
      {"pde.fixed_stencil", fixed_stencil}, {"training.transitions", transitions}, {"analysis.jacobian_states", jacobian_states},
      {"network.hidden", hidden},        {"network.channels", channels},        {"network.kernel", kernel},
      {"training.epochs", epochs},       {"pde.steps", steps},                  {"integrator.truth_correction", truth_correction}};
  for (const auto& [k, line] : known)
    if (key == k) return line;
  return 0;
}

void validate_experiment(const ExperimentSpec& spec, const SpecLines& lines) {
  const PdeSettings& pde = spec.pde;
  auto check_width = [&](const std::string& name, int derivative, long line, const std::string& key) {
    const int width = stencil_width(name, derivative);
    if (pde.resolution < width)
      throw InputError(lines.file, lines.resolution, lines.resolution_key,
                       "N = " + std::to_string(pde.resolution) + " is smaller than the " + std::to_string(width) +
                           " points of " + name + " for derivative " + std::to_string(derivative) + " (" + key +
                           (line > 0 ? ", line " + std::to_string(line) : std::string()) + ")");
  };
  for (const CaseTerm& t : pde.pde_case->terms) {
    if (t.derivative == 0) continue;
    switch (t.role) {
      case StencilRole::Varied:
        check_width(spec.train_stencil, t.derivative, lines.train_stencil, lines.train_key);
        check_width(spec.infer_stencil, t.derivative, lines.infer_stencil, lines.infer_key);
        break;
      case StencilRole::Fixed:
        check_width(pde.fixed_stencil, t.derivative, lines.fixed_stencil, "pde.fixed_stencil");
        break;
      case StencilRole::Named:
        check_width(t.stencil, t.derivative, 0, "term '" + t.name + "' of case " + pde.name);
        break;
      case StencilRole::Exact:
        break;
    }
  }
  if (spec.integrator.truth_correction == TruthCorrection::richardson && richardson_order(spec) <= 0)
    throw InputError(lines.file, lines.truth_correction, "integrator.truth_correction",
                     "Richardson extrapolation cancels a training stencil's leading truncation term; \"" +
                         spec.train_stencil + "\" (stencils.train) has none");
  if (const std::optional<NetworkRefusal> refused = network_kind_entry(spec.network_kind).check(spec))
    throw InputError(lines.file, lines.line_of(refused->key), refused->key, refused->message);
  if (!spec.one_shot() && spec.training.transitions > spec.steps)
    throw InputError(lines.file, lines.transitions, "training.transitions",
                     "must not exceed the horizon pde.steps = " + std::to_string(spec.steps));
  for (int s : spec.jacobian_states)
    if (s < 0 || s >= spec.steps)
      throw InputError(lines.file, lines.jacobian_states, "analysis.jacobian_states",
                       "state " + std::to_string(s) + " is outside 0.." + std::to_string(spec.steps - 1) +
                           " (the step map from u_n needs u_{n+1} within the horizon)");
}

void check_memory(const ExperimentSpec& spec, const SpecLines& lines) {
  const double available = machine_memory_bytes();
  if (available <= 0) return;  // unknown: nothing to compare with
  const MemoryEstimate m = experiment_memory(spec);
  if (m.bytes <= 0.5 * available) return;
  const long line = lines.line_of(m.key) > 0 ? lines.line_of(m.key) : lines.resolution;
  const std::string key = m.key == "pde.resolution" ? lines.resolution_key : m.key;
  char text[300];
  std::snprintf(text, sizeof text,
                "this experiment needs about %.3g GB of memory, mostly for %s; this machine has %.3g GB and one "
                "experiment may use at most half of it",
                m.bytes / 1e9, m.detail.c_str(), available / 1e9);
  throw InputError(lines.file, line, key, text);
}

namespace {

ExperimentSpec read_job_table(const toml::table& root, const std::string& path, FieldsKept default_fields,
                              bool for_this_machine) {
  TomlReader top(root, path, "");
  ExperimentSpec spec;
  SpecLines lines;
  lines.file = path;

  TomlReader experiment = top.table("experiment");
  spec.name = experiment.get_string("name");
  if (spec.name.empty()) experiment.fail("name", "must not be empty");
  const long long seed = experiment.get_integer("seed", 0);
  if (seed < 0) experiment.fail("seed", "must be a non-negative integer");
  spec.seed = static_cast<std::uint64_t>(seed);
  experiment.finish();

  TomlReader pde = top.table("pde");
  lines.resolution = pde.line_of("resolution");
  lines.fixed_stencil = pde.line_of("fixed_stencil");
  spec.pde = read_pde_section(top, pde, &spec.dt, &spec.steps);

  TomlReader stencils = top.table("stencils");
  lines.train_stencil = stencils.line_of("train");
  lines.infer_stencil = stencils.line_of("infer");
  spec.train_stencil = stencil_name(stencils, "train");
  spec.infer_stencil = stencil_name(stencils, "infer");
  stencils.finish();

  TomlReader ics = top.table("initial_conditions");
  TomlReader train_ic = ics.table("train");
  spec.train_ic = read_initial_condition(train_ic);
  for (TomlReader& t : ics.table_list("test")) spec.test_ics.push_back(read_initial_condition(t));
  if (spec.test_ics.empty()) ics.fail("test", "must list at least one test initial condition");
  ics.finish();

  read_network_and_training(top, pde, lines, spec);

  if (auto integrator = top.optional_table("integrator")) {
    lines.truth_correction = integrator->line_of("truth_correction");
    spec.integrator = read_integrator_section(*integrator);
  }

  spec.jacobian_states.clear();
  spec.fields = default_fields;
  if (auto analysis = top.optional_table("analysis")) {
    spec.fields = read_fields(*analysis, default_fields);
    spec.pseudospectra = read_pseudospectra(*analysis);
    lines.jacobian_states = analysis->line_of("jacobian_states");
    if (spec.one_shot() && analysis->has("jacobian_states"))
      analysis->fail("jacobian_states", "one-shot models are analysed through the flow map u0 -> u(T); remove this key");
    for (long long s : analysis->get_integer_list("jacobian_states", std::vector<long long>{0})) {
      if (s < 0 || s > 1'000'000'000) analysis->fail("jacobian_states", "states must be integers from 0 to pde.steps - 1");
      spec.jacobian_states.push_back(static_cast<int>(s));
    }
    analysis->finish();
  } else if (!spec.one_shot()) {
    spec.jacobian_states = {0};
  }
  if (spec.one_shot()) spec.jacobian_states.clear();
  top.finish();
  validate_experiment(spec, lines);
  if (for_this_machine) check_memory(spec, lines);
  return spec;
}

}  // namespace

ExperimentSpec read_job_file(const std::string& path, FieldsKept default_fields) {
  return read_job_table(TomlReader::parse_file(path), path, default_fields, /*for_this_machine=*/true);
}

ExperimentSpec read_job_text(const std::string& text, const std::string& source) {
  return read_job_table(TomlReader::parse_text(text, source), source, FieldsKept::none, /*for_this_machine=*/false);
}

FieldsKept read_fields(TomlReader& analysis, FieldsKept fallback) {
  return one_of_kinds<FieldsKept>(analysis, "fields", fallback);
}

PseudospectralSearch read_pseudospectra(TomlReader& analysis) {
  return one_of_kinds<PseudospectralSearch>(analysis, "pseudospectra", PseudospectralSearch::rays);
}

}  // namespace npde
