#include "spec/canonical.hpp"

#include <cstdint>
#include <cstdio>
#include <sstream>

namespace npde {
namespace {

std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  std::string s(buf);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // keep it a TOML float
  return s;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

std::string ic_table(const InitialCondition& ic) {
  std::string s = "{ kind = " + quoted(ic.kind) + ", amplitude = " + num(ic.amplitude);
  if (ic.kind == "sine") s += ", c = " + num(ic.wavelength);
  return s + " }";
}

template <class T>
std::string int_list(const std::vector<T>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

}  // namespace

std::string canonical_toml(const ExperimentSpec& spec) {
  std::ostringstream os;
  os << "[experiment]\nname = " << quoted(spec.name) << "\nseed = " << spec.seed << "\n\n";
  const PdeSettings& p = spec.pde;
  os << "[pde]\ncase = " << quoted(p.name) << "\nresolution = " << p.resolution << "\nlength = " << num(p.length)
     << "\ndt = " << num(spec.dt) << "\nsteps = " << spec.steps << "\n";
  if (p.name == "burgers")
    os << "viscosity = " << num(p.viscosity) << "\n";
  else
    os << "rotation = " << num(p.rotation) << "\n";
  os << "fixed_stencil = " << quoted(p.fixed_stencil) << "\n\n";
  os << "[stencils]\ntrain = " << quoted(spec.train_stencil) << "\ninfer = " << quoted(spec.infer_stencil) << "\n\n";
  os << "[initial_conditions]\ntrain = " << ic_table(spec.train_ic) << "\ntest = [\n";
  for (const auto& ic : spec.test_ics) os << "  " << ic_table(ic) << ",\n";
  os << "]\n\n";
  os << "[network]\nhidden = " << int_list(spec.hidden) << "\nactivation = \"tanh\"\n\n";
  const TrainingSettings& t = spec.training;
  os << "[training]\nmode = " << quoted(t.mode) << "\nepochs = " << t.epochs << "\nlearning_rate = " << num(t.learning_rate)
     << "\n";
  if (t.mode == "autoregressive") os << "transitions = " << t.transitions << "\nupdate = " << quoted(t.update) << "\n";
  const IntegratorSettings& in = spec.integrator;
  os << "\n[integrator]\nsubsteps = " << (in.substeps > 0 ? std::to_string(in.substeps) : quoted("auto"))
     << "\ntruth = " << quoted(in.truth) << "\ntruth_rtol = " << num(in.truth_rtol) << "\ntruth_atol = "
     << num(in.truth_atol) << "\n";
  if (!spec.one_shot()) os << "\n[analysis]\njacobian_states = " << int_list(spec.jacobian_states) << "\n";
  return os.str();
}

std::string content_hash(const std::string& canonical_text) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  const std::string text = "schema " + std::to_string(kSchemaVersion) + "\n" + canonical_text;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace npde
