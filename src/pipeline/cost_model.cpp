#include "pipeline/cost_model.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "model/pde_case.hpp"
#include "numerics/stencil.hpp"
#include "pipeline/initial_condition.hpp"
#include "pipeline/network_kinds.hpp"
#include "pipeline/substeps.hpp"

namespace npde {
namespace {

double width(const std::string& name, int derivative, int n) {
  const int w = stencil_width(name, derivative);
  return w == 0 ? n : w;  // spectral: the whole grid
}

NetworkSize network_size(const ExperimentSpec& spec) { return network_kind_entry(spec.network_kind).size(spec); }

double network_flops(const ExperimentSpec& spec) { return network_size(spec).forward_flops; }

// One application of a stencil: 2 flops per point and entry, or, for a stencil of as many
// entries as PeriodicOperator sends through the FFT (a spectral one spans the grid), two real
// transforms (about 2.5 N log2 N flops each) and a complex product per mode.
double stencil_flops(const std::string& name, int derivative, int n) {
  const double entries = width(name, derivative, n);
  if (entries < PeriodicOperator::kFftMinEntries) return 2.0 * n * entries;
  return 5.0 * n * std::log2(static_cast<double>(n)) + 6.0 * (n / 2 + 1);
}

// One evaluation of a term set: each term's stencil and its pointwise products. Linear terms
// share one fused stencil, but it is no cheaper than their most expensive, so the sum is an
// upper estimate.
double terms_flops(const ExperimentSpec& spec, TermSet set, const std::string& varied) {
  const int n = spec.pde.resolution;
  const double d = n;
  double f = 0;
  for (const CaseTerm& t : spec.pde.pde_case->terms) {
    if (!in_set(t, set)) continue;
    if (t.derivative > 0) f += stencil_flops(term_stencil(spec.pde, t, set, varied), t.derivative, n);
    f += d * (t.u_power + t.inner_power + 1);  // powers, coefficient and accumulation
  }
  return f;
}

double known_flops(const ExperimentSpec& spec) { return terms_flops(spec, TermSet::Model, spec.infer_stencil); }
double truth_flops(const ExperimentSpec& spec) { return terms_flops(spec, TermSet::Truth, spec.train_stencil); }

Matrix initial_conditions(const ExperimentSpec& spec) {
  const int n = spec.pde.resolution;
  Matrix u0s(n, 1 + static_cast<long>(spec.test_ics.size()));
  u0s.col(0) = sample_initial_condition(spec.train_ic, n, spec.pde.length);
  for (size_t i = 0; i < spec.test_ics.size(); ++i)
    u0s.col(static_cast<long>(i) + 1) = sample_initial_condition(spec.test_ics[i], n, spec.pde.length);
  return u0s;
}

// The truth map's substep count as the run will choose it (experiment.cpp), from the ICs.
int planned_truth_jacobian_substeps(const ExperimentSpec& spec) {
  const KnownTerms truth = make_truth_terms(spec.pde, spec.train_stencil);
  const Matrix u0s = initial_conditions(spec);
  return truth_jacobian_substeps(spec, truth, u0s, truth_data_substeps(spec, truth, u0s));
}

// An exponential stepper's stage adds an inverse and a forward real FFT (about 2.5 N log2 N
// each) and its combinations of modes (about 8 flops per mode and term).
double exponential_stage_flops(const Stepper& stepper, double n) {
  return stepper.exponential() ? 5.0 * n * std::log2(n) + 16.0 * (n / 2 + 1) : 0.0;
}

// One step of the truth map per direction: its stepper's stages of the truth terms.
double truth_map_stage_flops(const ExperimentSpec& spec) {
  const Stepper stepper = truth_map_stepper(spec);
  return stepper.stages() * (truth_flops(spec) + exponential_stage_flops(stepper, spec.pde.resolution));
}

}  // namespace

StageFlops stage_flops(const ExperimentSpec& spec) {
  const double n = spec.pde.resolution, net = network_flops(spec), known = known_flops(spec);
  StageFlops f;
  const double fft = exponential_stage_flops(spec.integrator.model, n);
  f.forward = net + known + 2.0 * n * 2 + fft;  // stage input and accumulation axpys
  f.backward = 2.0 * net + 2.0 * known + 3.0 * 2.0 * n + fft;
  return f;
}

int planned_substeps(const ExperimentSpec& spec) {
  return model_substeps(spec, make_model_known_terms(spec.pde, spec.infer_stencil), initial_conditions(spec));
}

double epoch_flops(const ExperimentSpec& spec, int substeps) {
  const StageFlops f = stage_flops(spec);
  const int steps = spec.one_shot() ? spec.steps : spec.training.transitions;
  return static_cast<double>(spec.integrator.model.stages()) * substeps * steps * (f.forward + f.backward);
}

double experiment_flops(const ExperimentSpec& spec) {
  const int substeps = planned_substeps(spec);
  const double n = spec.pde.resolution;
  const double maps = spec.test_ics.size() * (spec.one_shot() ? 1.0 : spec.jacobian_states.size());
  const double map_steps = spec.jacobian_map_steps();
  // tangents: N directions through every stage of the model's map (network and known terms),
  // of the known terms alone, and of the truth map at its own substep count
  const double model_stages = spec.integrator.model.stages();
  const double per_direction = substeps * model_stages * (stage_flops(spec).forward + known_flops(spec)) +
                               planned_truth_jacobian_substeps(spec) * truth_map_stage_flops(spec);
  const double tangent = maps * map_steps * n * per_direction;
  const double eigen = 3.0 * maps * 10.0 * n * n * n;  // Hessenberg + QR iterations, about 10 N^3
  return spec.training.epochs * epoch_flops(spec, substeps) + tangent + eigen;
}

namespace {

// The dense linear algebra of one analysed map of size n (numerics/spectrum.cpp), in seconds on
// one core of the development machine (docs/performance.md, "The cost model"): the real Schur
// form, condition numbers and singular values cost about kDenseSecondsPerN3 n^3
// (bench/bench_analysis.cpp); the two pseudospectral searches, O(n^2) factorisations times an
// iteration count that depends on the map, about kDenseSecondsPerN2 n^2 up to n = 64 and no more
// beyond, as measured on the sweeps' own maps (the benchmark's random matrix needs more
// iterations at large n than the PDE maps do); the transient growth forms K - 1 powers of the
// map, kPowerSecondsPerN3 n^3 each.
constexpr double kDenseSecondsPerN3 = 2.3e-9;
constexpr double kDenseSecondsPerN2 = 1.44e-6;
constexpr double kSearchGrowthEnds = 64;
constexpr double kPowerSecondsPerN3 = 1.1e-10;
// analysis.pseudospectra = "global": criss-cross's 2n x 2n eigenproblems (LAPACK dgeev), one or
// two per epsilon, and the radial searches from their arcs, per map: measured on the paper's
// Burgers jobs (n = 100, 18 maps) as 1.05 s more analysis, 58 ms a map.
constexpr double kGlobalSecondsPerN3 = 5.8e-8;

double dense_seconds(double n, int horizon, PseudospectralSearch search) {
  const double searched = std::min(n, kSearchGrowthEnds);
  return n * n * n * kDenseSecondsPerN3 + searched * searched * kDenseSecondsPerN2 +
         n * n * n * kPowerSecondsPerN3 * std::max(horizon - 1, 0) +
         (search == PseudospectralSearch::global ? n * n * n * kGlobalSecondsPerN3 : 0.0);
}

// Per Adam update, beside the flops of the passes: the update itself and the copies of the
// parameters into the network (about 12 flops a parameter) and a fixed cost of the call chain,
// which is most of an epoch of the small networks of test sweeps (measured on smoke, advdiff,
// allen-cahn: 3 to 8 us an update).
constexpr double kUpdateSeconds = 3e-6;
constexpr double kUpdateFlopsPerParameter = 12;

// The highest derivative among the truth's terms: what limits an explicit step as the grid
// refines (dt ~ h^k).
int highest_derivative(const ExperimentSpec& spec) {
  int k = 0;
  for (const CaseTerm& t : spec.pde.pde_case->terms) k = std::max(k, t.derivative);
  return k;
}

// Truth data: the training IC's and every test IC's trajectory, at the truth map's substeps (the
// count a fixed step needs; the adaptive Dormand-Prince data take about as many steps of its 7
// stages). A Richardson correction solves again on the doubled grid: twice the points, and
// 2^k times the steps for a k-th derivative.
double truth_data_flops(const ExperimentSpec& spec, int truth_substeps) {
  const double trajectories = 1.0 + static_cast<double>(spec.test_ics.size());
  const double stages = spec.integrator.adaptive_truth() ? 7.0 : truth_data_stepper(spec).stages();
  double f = trajectories * spec.steps * truth_substeps * stages * truth_flops(spec);
  if (spec.integrator.truth_correction == TruthCorrection::richardson)
    f *= 1.0 + 2.0 * std::pow(2.0, highest_derivative(spec));
  return f;
}

}  // namespace

CostEstimate experiment_cost(const ExperimentSpec& spec) {
  const int substeps = planned_substeps(spec);
  const int truth_substeps = planned_truth_jacobian_substeps(spec);
  const double n = spec.pde.resolution, tests = static_cast<double>(spec.test_ics.size());
  const double states = spec.one_shot() ? 1.0 : static_cast<double>(spec.jacobian_states.size());
  const double maps = tests * states;
  const double model_stages = spec.integrator.model.stages();
  CostEstimate c;
  c.truth = truth_data_flops(spec, truth_substeps) / kMeasuredFlopsPerSecond;
  const double updates = spec.one_shot() || spec.training.update == UpdateRule::summed ? 1 : spec.training.transitions;
  c.training = spec.training.epochs * (epoch_flops(spec, substeps) / kMeasuredFlopsPerSecond +
                                       updates * (kUpdateSeconds + kUpdateFlopsPerParameter * network_size(spec).parameters /
                                                                       kMeasuredFlopsPerSecond));
  // Analysis: the test rollouts; at every analysed state the model's map (tangents through the
  // network and the known terms), the known terms alone (once when they are linear) and the
  // truth's map; each map's dense algebra, with the transient growth's powers for the model's
  // and the truth's.
  const double rollouts = tests * spec.steps * substeps * model_stages * stage_flops(spec).forward;
  const double map_steps = spec.jacobian_map_steps();
  const double model_tangents = maps * map_steps * n * substeps * model_stages * stage_flops(spec).forward;
  const double known_tangents = maps * map_steps * n * substeps * model_stages * known_flops(spec);
  const double known_maps = make_model_known_terms(spec.pde, spec.infer_stencil).linear() ? 1.0 : maps;
  const int horizon = spec.growth_horizon();
  c.analysis = (rollouts + model_tangents + known_tangents) / kMeasuredFlopsPerSecond +
               maps * dense_seconds(n, horizon, spec.pseudospectra) + known_maps * dense_seconds(n, 1, spec.pseudospectra) +
               maps * truth_map_seconds(spec);
  return c;
}

double truth_map_seconds(const ExperimentSpec& spec) {
  const double n = spec.pde.resolution;
  return spec.jacobian_map_steps() * n * planned_truth_jacobian_substeps(spec) * truth_map_stage_flops(spec) /
             kMeasuredFlopsPerSecond +
         dense_seconds(n, spec.growth_horizon(), spec.pseudospectra);
}

double truth_map_flops(const ExperimentSpec& spec) {
  const double n = spec.pde.resolution;
  return spec.jacobian_map_steps() * n * planned_truth_jacobian_substeps(spec) * truth_map_stage_flops(spec) +
         10.0 * n * n * n;
}

MemoryEstimate experiment_memory(const ExperimentSpec& spec) {
  const double n = spec.pde.resolution, steps = spec.steps, tests = static_cast<double>(spec.test_ics.size());
  const NetworkSize net = network_size(spec);
  const double parameters = net.parameters, hidden = net.hidden;
  const char* network_key = network_kind_entry(spec.network_kind).size_key;
  const double updates = spec.one_shot() || spec.training.update == UpdateRule::summed ? 1 : spec.training.transitions;
  struct Part {
    double doubles;
    const char* key;
    std::string detail;
  };
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.2g network parameters", parameters);
  const std::string params_text = buf;
  std::snprintf(buf, sizeof buf, "a loss history of %.2g values", static_cast<double>(spec.training.epochs) * (updates + 1));
  const std::string loss_text = buf;
  std::snprintf(buf, sizeof buf, "N = %.0f (N x N Jacobians)", n);
  const std::string grid_text = buf;
  std::snprintf(buf, sizeof buf, "trajectories of %.0f steps x N = %.0f", steps, n);
  const std::string steps_text = buf;
  const Part parts[] = {
      // theta, gradient, Adam m and v, initial and final weights, workspaces; activations and
      // their adjoints for the stepper's stages of N states
      {12 * parameters + 4.0 * spec.integrator.model.stages() * n * hidden, network_key, params_text},
      {static_cast<double>(spec.training.epochs) * (updates + 1), "training.epochs", loss_text},
      // model, truth and known-only Jacobians with complex eigendecomposition workspace
      {12 * n * n, "pde.resolution", grid_text},
      // truth of every IC, rollouts, the checkpointed training outputs
      {(steps + 1) * n * (3 * (1 + tests) + 2), "pde.steps", steps_text},
  };
  MemoryEstimate m;
  double largest = -1;
  for (const Part& p : parts) {
    m.bytes += 8 * p.doubles;
    if (p.doubles > largest) {
      largest = p.doubles;
      m.key = p.key;
      m.detail = p.detail;
    }
  }
  m.bytes += 64e6;  // the process itself: code, MPI and HDF5 buffers
  return m;
}

double machine_memory_bytes() {
  static const double cached = [] {
  double bytes = static_cast<double>(::sysconf(_SC_PHYS_PAGES)) * static_cast<double>(::sysconf(_SC_PAGESIZE));
  if (!(bytes > 0)) bytes = 0;
  // A cgroup v2 limit (SLURM's --mem, a container's limit) is what the process really has.
  if (std::FILE* f = std::fopen("/sys/fs/cgroup/memory.max", "r")) {
    double limit = 0;
    if (std::fscanf(f, "%lf", &limit) == 1 && limit > 0 && (bytes == 0 || limit < bytes)) bytes = limit;
    std::fclose(f);
  }
  return bytes;
  }();
  return cached;
}

}  // namespace npde
