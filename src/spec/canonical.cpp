#include "spec/canonical.hpp"

#include <cstdint>
#include <cstdio>
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>

#include <fmt/format.h>

#include "pipeline/initial_condition.hpp"
#include "spec/case_file.hpp"

namespace npde {
namespace {

std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  std::string s(buf);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // keep it a TOML float
  return s;
}

// A float at its shortest round-trip text, still a TOML float (1.0, not 1).
std::string toml_number_shortest(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

// A TOML basic string: backslash, quote and control characters escaped, so any name reads back
// as itself (the canonical text is parsed again by `repair`, `status` and `query`).
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
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

void write_pde(std::ostream& os, const ExperimentSpec& spec, bool with_resolution) {
  const PdeSettings& p = spec.pde;
  os << "[pde]\ncase = " << quoted(p.name) << "\n";
  if (with_resolution) os << "resolution = " << p.resolution << "\n";
  os << "length = " << num(p.length) << "\ndt = " << num(spec.dt) << "\nsteps = " << spec.steps << "\n";
  for (size_t i = 0; i < p.parameters.size(); ++i)
    os << p.pde_case->parameters[i].name << " = " << num(p.parameters[i]) << "\n";
  if (p.pde_case->uses(StencilRole::Fixed)) os << "fixed_stencil = " << quoted(p.fixed_stencil) << "\n";
  os << "\n";
}

// A case that is not built in travels with the text (and so enters the content hash).
void write_case(std::ostream& os, const PdeSettings& p) {
  if (!p.pde_case->builtin) os << "\n" << case_toml(*p.pde_case);
}

// The job's kind's keys; an MLP's section is what it was before network.kind existed (so are its
// content hashes). With `both_kinds` (a sweep with network.kind on an axis) every kind's keys.
void write_network(std::ostream& os, const ExperimentSpec& spec, bool both_kinds) {
  os << "[network]\n";
  const bool cnn = spec.network_kind == NetworkKind::cnn;
  if (cnn || both_kinds) os << "kind = " << quoted(name_of(spec.network_kind)) << "\n";
  if (!cnn || both_kinds) os << "hidden = " << list(spec.hidden) << "\n";
  if (cnn || both_kinds) os << "channels = " << list(spec.channels) << "\nkernel = " << spec.kernel << "\n";
  os << "activation = \"tanh\"\n\n";
}

void write_shared_sections(std::ostream& os, const ExperimentSpec& spec, bool both_network_kinds = false) {
  write_network(os, spec, both_network_kinds);
  const TrainingSettings& t = spec.training;
  os << "[training]\nmode = " << quoted(name_of(t.mode)) << "\nepochs = " << t.epochs << "\nlearning_rate = " << num(t.learning_rate)
     << "\n";
  // Written only when not the default (a later key: older texts and hashes stay what they were).
  if (t.mode == TrainingMode::one_shot && t.loss != OneShotLoss::final) os << "loss = " << quoted(name_of(t.loss)) << "\n";
  if (t.mode == TrainingMode::autoregressive)
    os << "transitions = " << t.transitions << "\nupdate = " << quoted(name_of(t.update)) << "\n";
  const IntegratorSettings& in = spec.integrator;
  os << "\n[integrator]\n";
  // Written only when not the default: the key came later, and older texts (and their content
  // hashes, the keys of existing stores) must stay what they were.
  if (in.model != Stepper()) os << "model = " << quoted(in.model.name()) << "\n";
  os << "substeps = " << (in.substeps > 0 ? std::to_string(in.substeps) : quoted("auto"))
     << "\ntruth = " << quoted(in.truth_name()) << "\ntruth_rtol = " << num(in.truth_rtol) << "\ntruth_atol = "
     << num(in.truth_atol) << "\n";
  if (in.truth_map != Stepper()) os << "truth_map = " << quoted(in.truth_map.name()) << "\n";  // also a later key
  if (in.truth_correction != TruthCorrection::none)  // and this
    os << "truth_correction = " << quoted(name_of(in.truth_correction)) << "\n";
  os << "\n";
}

}  // namespace

std::string toml_number(double v) { return num(v); }
std::string toml_string(const std::string& s) { return quoted(s); }

std::string canonical_truth_toml(const ExperimentSpec& spec) {
  std::ostringstream os;
  write_pde(os, spec, true);
  os << "[stencils]\ntrain = " << quoted(spec.train_stencil) << "\n\n";
  const IntegratorSettings& in = spec.integrator;
  os << "[integrator]\ntruth = " << quoted(in.truth_name()) << "\ntruth_rtol = " << num(in.truth_rtol)
     << "\ntruth_atol = " << num(in.truth_atol) << "\n";
  if (in.truth_correction != TruthCorrection::none)
    os << "truth_correction = " << quoted(name_of(in.truth_correction)) << "\n";
  write_case(os, spec.pde);
  return os.str();
}

std::string initial_condition_toml(const InitialCondition& ic) {
  const IcFamily& family = ic_family(ic.kind);
  std::string s = "{ kind = " + quoted(family.name) + ", amplitude = " + num(ic.amplitude);
  if (family.parameter) s += ", " + std::string(family.parameter) + " = " + num(ic.shape);
  return s + " }";
}

std::string canonical_toml(const ExperimentSpec& spec) { return canonical_toml(spec, false); }

std::string canonical_toml(const ExperimentSpec& spec, bool state_fields) {
  std::ostringstream os;
  os << "[experiment]\nname = " << quoted(spec.name) << "\nseed = " << spec.seed << "\n\n";
  write_pde(os, spec, true);
  os << "[stencils]\ntrain = " << quoted(spec.train_stencil) << "\ninfer = " << quoted(spec.infer_stencil) << "\n\n";
  os << "[initial_conditions]\ntrain = " << initial_condition_toml(spec.train_ic) << "\ntest = " << ic_list(spec.test_ics)
     << "\n\n";
  write_shared_sections(os, spec);
  // analysis.fields only when kept (or asked for), analysis.pseudospectra only when global: every
  // job before them keeps its content hash.
  const bool fields = state_fields || spec.fields != FieldsKept::none;
  const bool global = spec.pseudospectra != PseudospectralSearch::rays;
  if (!spec.one_shot() || fields || global) os << "[analysis]\n";
  if (!spec.one_shot()) os << "jacobian_states = " << list(spec.jacobian_states) << "\n";
  if (fields) os << "fields = " << quoted(name_of(spec.fields)) << "\n";
  if (global) os << "pseudospectra = " << quoted(name_of(spec.pseudospectra)) << "\n";
  write_case(os, spec.pde);
  return os.str();
}

namespace {

// Drops the lines of the sections text that set a key the grid varies ("training.learning_rate"):
// the canonical sweep names such a key once, as an axis. Keys are written one per line at the
// start of a line, so a line filter is exact.
std::string without_axis_keys(const std::string& sections, const SweepSpec& s) {
  std::istringstream in(sections);
  std::string out, line, section;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '[') section = line.substr(1, line.find(']') - 1);
    const size_t eq = line.find(" = ");
    if (eq != std::string::npos && line.find_first_of(" \t") == eq && s.axis(section + "." + line.substr(0, eq)))
      continue;
    out += line + "\n";
  }
  return out;
}

std::string axis_list(const GridAxis& a) {
  if (a.key == "ic") {  // one IC per line, as sweep files have always been written
    std::string t = "[\n";
    for (const AxisValue& v : a.values) t += "  " + v.text + ",\n";
    return t + "]";
  }
  std::string t = "[";
  for (size_t i = 0; i < a.values.size(); ++i) t += (i ? ", " : "") + a.values[i].text;
  return t + "]";
}

std::string axis_key(const GridAxis& a) { return a.named() ? a.key : quoted(a.key); }

}  // namespace

std::string canonical_sweep_toml(const SweepSpec& s) {
  std::ostringstream head, sections, os;
  // The seed axis (experiment.seed, the job key) replaces [sweep] seed.
  head << "[sweep]\nname = " << quoted(s.name) << "\n";
  if (!s.axis("experiment.seed")) head << "seed = " << s.seed << "\n";
  head << "replicates = " << s.replicates << "\n\n";
  write_pde(sections, s.base, false);
  write_shared_sections(sections, s.base, s.axis("network.kind") != nullptr);
  sections << "[analysis]\ntest_ics = " << ic_list(s.base.test_ics) << "\n";
  if (!s.base.one_shot()) sections << "jacobian_states = " << list(s.base.jacobian_states) << "\n";
  if (s.base.fields != FieldsKept::none) sections << "fields = " << quoted(name_of(s.base.fields)) << "\n";
  if (s.base.pseudospectra != PseudospectralSearch::rays)
    sections << "pseudospectra = " << quoted(name_of(s.base.pseudospectra)) << "\n";
  os << head.str() << without_axis_keys(sections.str(), s) << "\n[grid]\n";
  int zips = 0;
  for (const GridAxis& a : s.axes) {
    zips = std::max(zips, a.zip + 1);
    if (a.zip < 0) os << axis_key(a) << " = " << axis_list(a) << "\n";
  }
  for (int z = 0; z < zips; ++z) {
    os << "\n[[grid.zip]]\n";
    for (const GridAxis& a : s.axes)
      if (a.zip == z) os << axis_key(a) << " = " << axis_list(a) << "\n";
  }
  for (const GridExclusion& x : s.exclusions) {
    os << "\n[[grid.exclude]]\n";
    for (const auto& [axis, value] : x.match)
      os << axis_key(s.axes[axis]) << " = " << s.axes[axis].values[value].text << "\n";
  }
  write_case(os, s.base.pde);
  return os.str();
}

std::string canonical_value(const toml::node& n) {
  if (const auto* v = n.as_integer()) return std::to_string(v->get());
  if (const auto* v = n.as_floating_point()) return num(v->get());
  if (const auto* v = n.as_string()) return quoted(v->get());
  if (const auto* v = n.as_boolean()) return v->get() ? "true" : "false";
  if (const auto* a = n.as_array()) {
    std::string t = "[";
    for (size_t i = 0; i < a->size(); ++i) t += (i ? ", " : "") + canonical_value((*a)[i]);
    return t + "]";
  }
  if (const auto* tb = n.as_table()) {
    std::string t = "{";
    bool first = true;
    for (auto&& [k, v] : *tb) {
      const std::string key(k.str());
      const bool bare = !key.empty() && key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") ==
                                            std::string::npos;
      t += std::string(first ? " " : ", ") + (bare ? key : quoted(key)) + " = " + canonical_value(v);
      first = false;
    }
    return t + (first ? "}" : " }");
  }
  std::ostringstream other;  // dates and times: toml++ prints them as TOML
  n.visit([&](auto&& x) { other << x; });
  return other.str();
}

std::string readable_toml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  const auto starts_value = [&](size_t at) {  // a token after '=', '[', '{', ',' or blanks after one
    while (at > 0 && (text[at - 1] == ' ' || text[at - 1] == '\t')) --at;
    return at > 0 && (text[at - 1] == '=' || text[at - 1] == '[' || text[at - 1] == ',' || text[at - 1] == '{');
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {  // a basic string, copied with its escapes
      size_t j = i + 1;
      while (j < text.size() && text[j] != '"') j += text[j] == '\\' ? 2 : 1;
      j = std::min(j + 1, text.size());
      out.append(text, i, j - i);
      i = j;
      continue;
    }
    if (c == '#') {  // a comment, to the end of the line
      const size_t j = std::min(text.find('\n', i), text.size());
      out.append(text, i, j - i);
      i = j;
      continue;
    }
    if ((std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+') && starts_value(i)) {
      size_t j = i + 1;
      while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '.' ||
                                 ((text[j] == '-' || text[j] == '+') && (text[j - 1] == 'e' || text[j - 1] == 'E'))))
        ++j;
      const std::string token = text.substr(i, j - i);
      char* end = nullptr;
      const double v = std::strtod(token.c_str(), &end);
      const bool is_float = token.find_first_of(".eE") != std::string::npos && token.find_first_of("xob_") == std::string::npos;
      out += is_float && end == token.c_str() + token.size() ? toml_number_shortest(v) : token;
      i = j;
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

std::string content_hash(const std::string& canonical_text) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  // "schema" is the word hashes have always begun with: stores made before the versions were
  // split keep their hashes.
  const std::string text = "schema " + std::to_string(kResultsVersion) + "\n" + canonical_text;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace npde
