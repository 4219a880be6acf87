#include "input/job_keys.hpp"

#include <algorithm>
#include <sstream>

#include "pipeline/network_kinds.hpp"
#include "input/canonical.hpp"

namespace npde {
namespace {

KeyValue integer(std::int64_t v, std::string text = "") {
  KeyValue k;
  k.type = KeyValue::Type::integer;
  k.integer = v;
  k.text = text.empty() ? std::to_string(v) : std::move(text);
  return k;
}

KeyValue number(double v) {
  KeyValue k;
  k.type = KeyValue::Type::number;
  k.number = v;
  k.text = toml_number(v);
  return k;
}

KeyValue string(const std::string& v) {
  KeyValue k;
  k.type = KeyValue::Type::string;
  k.string = v;
  k.text = toml_string(v);
  return k;
}

KeyValue other(std::string text) {
  KeyValue k;
  k.text = std::move(text);
  return k;
}

template <class T>
std::string list(const std::vector<T>& v) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < v.size(); ++i) os << (i ? ", " : "") << v[i];
  os << "]";
  return os.str();
}

std::string ic_list(const std::vector<InitialCondition>& ics) {
  std::string s = "[\n";
  for (const auto& ic : ics) s += "  " + initial_condition_toml(ic) + ",\n";
  return s + "]";
}

const char* kCaseParameters = "pde.<parameter>";

}  // namespace

KeyValue key_value_of(const toml::node& value) {
  if (const auto* v = value.as_integer()) return integer(v->get());
  if (const auto* v = value.as_floating_point()) return number(v->get());
  if (const auto* v = value.as_string()) return string(v->get());
  return other(canonical_value(value));
}

// The order is the canonical text's: changing it, or what a key writes, changes every content
// hash (tests/unit/input/test_job_keys.cpp and mpi_sweep_reference would say so).
const std::vector<JobKey>& job_keys() {
  static const std::vector<JobKey> keys = {
    {"experiment.name", "string", "required",
     "",
     "names the result file and the summary",
     KeyScope::job, false, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       return string(s.name);
     }},
    {"experiment.seed", "integer >= 0", "0",
     "0",
     "Glorot-uniform initial weights are drawn from it",
     KeyScope::job, false, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       return integer(static_cast<std::int64_t>(s.seed), std::to_string(s.seed));
     }},
    {"pde.case", "case name, case file or inline", "required",
     "",
     "the PDE: a built-in case (`burgers`, `gkdv`, `advdiff`, `kdv`, `ks`, `allen-cahn`), a case file `\"path.toml\"` relative to this file, or the name of a `[case]` table in this file (docs/cases.md)",
     KeyScope::both, true, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       return string(s.pde.name);
     }},
    {"pde.resolution", "integer >= 2", "required",
     "",
     "N grid points; must be at least every stencil's width",
     KeyScope::job, false, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       return integer(s.pde.resolution);
     }},
    {"pde.length", "number or `\"k*pi\"`", "the case's, else required",
     "",
     "domain length L (`\"2*pi\"`, `\"5 pi\"`, `\"pi\"` or a number)",
     KeyScope::both, true, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       return number(s.pde.length);
     }},
    {"pde.dt", "number > 0", "required",
     "",
     "output step",
     KeyScope::both, true, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       return number(s.dt);
     }},
    {"pde.steps", "integer >= 1", "required",
     "",
     "horizon T = steps * dt",
     KeyScope::both, true, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       return integer(s.steps);
     }},
    {"pde.<parameter>", "number", "the case's default, else required",
     "",
     "the case's parameters: burgers `viscosity` (nu > 0), gkdv `rotation` (w0), advdiff `speed` and `viscosity`, allen-cahn `epsilon` (docs/cases.md)",
     KeyScope::both, true, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       return std::nullopt;  // key_settings writes each of the case's parameters here
     }},
    {"pde.fixed_stencil", "stencil", "the case's (burgers `central6`, gkdv `central2`)",
     "",
     "stencil of the case's `fixed` terms (Burgers' D2, gKdV's D1); only for cases that have them",
     KeyScope::both, true, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       if (!s.pde.pde_case->uses(StencilRole::Fixed)) return std::nullopt;
       return string(s.pde.fixed_stencil);
     }},
    {"stencils.train", "stencil", "required",
     "",
     "stencil of the case's `varied` terms in the truth data (Burgers D1, gKdV D3)",
     KeyScope::job, false, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       return string(s.train_stencil);
     }},
    {"stencils.infer", "stencil", "required",
     "",
     "the same terms inside the NeuralPDE",
     KeyScope::job, false, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       return string(s.infer_stencil);
     }},
    {"initial_conditions.train", "IC table", "required",
     "",
     "the training IC",
     KeyScope::job, false, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       return other(initial_condition_toml(s.train_ic));
     }},
    {"initial_conditions.test", "array of IC tables", "required, non-empty",
     "",
     "rollouts and Jacobians start from these",
     KeyScope::job, false, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       return other(ic_list(s.test_ics));
     }},
    {"network.kind", "`\"mlp\"` or `\"cnn\"`", "`\"mlp\"`",
     "\"mlp\"",
     "the closure network: dense layers over the whole state (the paper's), or periodic 1-D convolutions (translation-equivariant, as a stencil is); docs/science.md, The network",
     KeyScope::both, true, 12,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       if (s.network_kind == NetworkKind::mlp && !c.every_network_kind && !c.every_default) return std::nullopt;
       return string(name_of(s.network_kind));
     }},
    {"network.hidden", "array of integers", "`[20, 20]`",
     "[20, 20]",
     "`mlp`: hidden widths; input and output width are N",
     KeyScope::both, true, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       if (!network_uses_key(s.network_kind, "network.hidden") && !c.every_network_kind) return std::nullopt;
       return other(list(s.hidden));
     }},
    {"network.channels", "array of integers", "`[8, 8]`",
     "[8, 8]",
     "`cnn`: channels of each hidden layer (its depth is their count, `[]` is one linear convolution); input and output have one channel",
     KeyScope::both, true, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       if (!network_uses_key(s.network_kind, "network.channels") && !c.every_network_kind) return std::nullopt;
       return other(list(s.channels));
     }},
    {"network.kernel", "odd integer, at most N", "5",
     "5",
     "`cnn`: kernel width of every layer, centred on its point (5 reads 2 neighbours each side)",
     KeyScope::both, true, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       if (!network_uses_key(s.network_kind, "network.kernel") && !c.every_network_kind) return std::nullopt;
       return integer(s.kernel);
     }},
    {"network.activation", "`\"tanh\"`", "`\"tanh\"`",
     "\"tanh\"",
     "the only activation so far",
     KeyScope::both, true, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       return string("tanh");
     }},
    {"training.mode", "`\"autoregressive\"` or `\"one_shot\"`", "required",
     "",
     "loss on one-step transitions, or on u(T) only",
     KeyScope::both, true, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       return string(name_of(s.training.mode));
     }},
    {"training.epochs", "integer >= 0", "required",
     "",
     "`--epochs` overrides it",
     KeyScope::both, true, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       return integer(s.training.epochs);
     }},
    {"training.learning_rate", "number > 0", "0.01",
     "0.01",
     "Adam's step size",
     KeyScope::both, true, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       return number(s.training.learning_rate);
     }},
    {"training.loss", "`\"final\"` or `\"trajectory\"`", "`\"final\"`",
     "\"final\"",
     "one-shot only: the MSE at u(T) alone (the paper's), or summed over every output step of the horizon (so a sweep can ask whether the one-shot models' behaviour is the loss's doing: `\"training.loss\" = [\"final\", \"trajectory\"]` in `[grid]`)",
     KeyScope::both, true, 6,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       if (!s.one_shot() || (s.training.loss == OneShotLoss::final && !c.every_default)) return std::nullopt;
       return string(name_of(s.training.loss));
     }},
    {"training.transitions", "integer 1..steps", "2",
     "2",
     "autoregressive: transitions per epoch",
     KeyScope::both, true, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       if (s.one_shot()) return std::nullopt;
       return integer(s.training.transitions);
     }},
    {"training.update", "`\"per_transition\"` or `\"summed\"`", "`\"per_transition\"`",
     "\"per_transition\"",
     "autoregressive: an Adam step per transition from the model's own previous prediction (no gradient through it, as the paper's scripts), or one step per epoch on the summed loss with the gradient through the whole chain",
     KeyScope::both, true, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       if (s.one_shot()) return std::nullopt;
       return string(name_of(s.training.update));
     }},
    {"integrator.model", "`\"rk4\"`, `\"ssprk3\"`, `\"heun\"`, `\"tsit5\"`, `\"dp5\"`, `\"ifrk4\"`, `\"etdrk4\"`", "`\"rk4\"`",
     "\"rk4\"",
     "the NeuralPDE's stepper in training, rollouts and its Jacobians (docs/numerics.md). `ifrk4` and `etdrk4` are exponential: they take the model's linear known terms (a stiff dispersion or hyperdiffusion) exactly and need substeps only for the rest.",
     KeyScope::both, false, 3,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       if (s.integrator.model == Stepper() && !c.every_default) return std::nullopt;
       return string(s.integrator.model.name());
     }},
    {"integrator.substeps", "integer or `\"auto\"`", "`\"auto\"`",
     "\"auto\"",
     "substeps per output step for the model (and fixed-step truth data); `auto` uses the stability bound (for an exponential stepper, of the terms it does not take exactly). With adaptive truth data the truth map's Jacobian takes at least this many and more where its accuracy needs them (docs/numerics.md)",
     KeyScope::both, true, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       if (s.integrator.substeps > 0) return integer(s.integrator.substeps);
       return string("auto");
     }},
    {"integrator.truth", "`\"dopri5\"`, `\"rk4\"`, `\"ssprk3\"`, `\"heun\"`, `\"tsit5\"`, `\"dp5\"`, `\"ifrk4\"`, `\"etdrk4\"`", "`\"dopri5\"`",
     "\"dopri5\"",
     "truth data: adaptive Dormand-Prince 5(4), or any of the model's steppers at fixed step with the substeps (whose own map is then the truth map)",
     KeyScope::both, true, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       return string(s.integrator.truth_name());
     }},
    {"integrator.truth_rtol", "number > 0", "`1e-10`",
     "1e-10",
     "relative tolerance of the adaptive truth",
     KeyScope::both, true, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       return number(s.integrator.truth_rtol);
     }},
    {"integrator.truth_atol", "number > 0", "`1e-12`",
     "1e-12",
     "absolute tolerance of the adaptive truth",
     KeyScope::both, true, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       return number(s.integrator.truth_atol);
     }},
    {"integrator.truth_map", "`\"rk4\"`, `\"ssprk3\"`, `\"heun\"`, `\"tsit5\"`, `\"dp5\"`, `\"ifrk4\"`, `\"etdrk4\"`", "`\"rk4\"`",
     "\"rk4\"",
     "with adaptive truth data only: the stepper of the truth map's Jacobian, at the larger of its stable and its accurate substep count (docs/numerics.md). `ifrk4` and `etdrk4` take the linear terms exactly and need far fewer substeps (measured)",
     KeyScope::both, true, 6,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       if (s.integrator.truth_map == Stepper() && !c.every_default) return std::nullopt;
       return string(s.integrator.truth_map.name());
     }},
    {"integrator.truth_correction", "`\"none\"` or `\"richardson\"`", "`\"none\"`",
     "\"none\"",
     "`richardson`: train on truth data with the training stencil's leading truncation term cancelled, (2^p u_2N - u_N) / (2^p - 1) from its solutions on N and 2N points (p its order of accuracy; docs/numerics.md, Richardson-corrected truth data); refused for a training stencil without a truncation term (`spectral`)",
     KeyScope::both, true, 12,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       if (s.integrator.truth_correction == TruthCorrection::none && !c.every_default) return std::nullopt;
       return string(name_of(s.integrator.truth_correction));
     }},
    {"analysis.test_ics", "array of IC tables", "required, non-empty",
     "",
     "a sweep's test ICs, shared by every cell (a job's `[initial_conditions] test`)",
     KeyScope::sweep, false, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       return other(ic_list(s.test_ics));
     }},
    {"analysis.jacobian_states", "array of integers in 0..steps-1", "`[0]`",
     "[0]",
     "autoregressive: the states u_n whose one-step Jacobian d u_{n+1}/d u_n is analysed. One-shot jobs must not set it: they are analysed through the flow map u(0) -> u(T) at each test IC",
     KeyScope::both, true, 0,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       if (s.one_shot()) return std::nullopt;
       return other(list(s.jacobian_states));
     }},
    {"analysis.fields", "`\"none\"`, `\"rollouts\"` or `\"all\"`", "`\"all\"` in a job (run-one), `\"none\"` in a sweep",
     "\"none\"",
     "the solution fields u(x, t) the result keeps at every output step: none, each test IC's truth and rollout (`/fields/truth`, `/fields/rollout`), or those and the training IC's (`/fields/training_truth`, `/fields/training_rollout`), on the grid `/fields/x` (docs/result-file.md, Solution fields). `run-one --fields` overrides it. Part of the job: a job that keeps fields is another experiment (another content hash) than the same job without, though every other dataset is the same bit for bit. `extract --job` writes `fields = \"none\"` for a cell that kept none, so that run-one reproduces it",
     KeyScope::both, false, 11,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       if (s.fields == FieldsKept::none && !(c.state_fields && !c.sweep) && !c.every_default) return std::nullopt;
       return string(name_of(s.fields));
     }},
    {"analysis.pseudospectra", "`\"rays\"` or `\"global\"`", "`\"rays\"`",
     "\"rays\"",
     "how the stored pseudospectral radii are searched: `\"rays\"`, radial searches from the candidate eigenvalues, a lower bound of the radius (exact where the outermost point lies on an eigenvalue's ray); `\"global\"`, the global maximum (criss-cross after the radial searches: one or two 2n x 2n eigenproblems more per map and epsilon, about 6x the analysis of the paper's Burgers jobs). docs/numerics.md gives the measured gaps; a sweep axis like any job key",
     KeyScope::both, true, 12,
     []([[maybe_unused]] const ExperimentSpec& s, [[maybe_unused]] const CanonicalContext& c) -> std::optional<KeyValue> {
       if (s.pseudospectra == PseudospectralSearch::rays && !c.every_default) return std::nullopt;
       return string(name_of(s.pseudospectra));
     }},
  };
  return keys;
}

std::vector<KeySetting> key_settings(const ExperimentSpec& spec, const CanonicalContext& context) {
  std::vector<KeySetting> out;
  for (const JobKey& k : job_keys()) {
    if (k.scope == (context.sweep ? KeyScope::job : KeyScope::sweep)) continue;
    if (k.key == std::string(kCaseParameters)) {
      const PdeSettings& p = spec.pde;
      for (size_t i = 0; i < p.parameters.size(); ++i)
        out.push_back({"pde." + p.pde_case->parameters[i].name, number(p.parameters[i]), &k});
      continue;
    }
    if (std::optional<KeyValue> v = k.value(spec, context)) out.push_back({k.key, std::move(*v), &k});
  }
  return out;
}

std::optional<KeyValue> key_value(const ExperimentSpec& spec, const std::string& key) {
  for (KeySetting& s : key_settings(spec))
    if (s.key == key) return std::move(s.value);
  return std::nullopt;
}

std::vector<std::string> dotted_axis_keys(const ExperimentSpec& spec) {
  std::vector<std::string> out{"experiment.seed"};
  for (const JobKey& k : job_keys()) {
    if (!k.dotted_axis) continue;
    if (k.key != std::string(kCaseParameters)) {
      out.push_back(k.key);
      continue;
    }
    for (const CaseParameter& p : spec.pde.pde_case->parameters) out.push_back("pde." + p.name);
  }
  return out;
}

std::string job_key_table() {
  std::string t = "| key | type | default | meaning |\n|---|---|---|---|\n";
  for (const JobKey& k : job_keys()) {
    const std::string key = k.key, section = key.substr(0, key.find('.')), name = key.substr(key.find('.') + 1);
    std::string meaning = k.meaning;
    if (k.scope == KeyScope::sweep) meaning += "; in a sweep file only";
    if (k.omitted_at_default_since > 0)
      meaning += ". In the canonical text (and so the content hash) only away from its default: it came with schema " +
                 std::to_string(k.omitted_at_default_since) + ", and every text from before keeps its hash";
    t += "| `[" + section + "] " + name + "` | " + k.type + " | " + k.default_text + " | " + meaning + " |\n";
  }
  return t;
}

}  // namespace npde
