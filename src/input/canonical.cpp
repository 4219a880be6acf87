#include "input/canonical.hpp"

#include <cstdint>
#include <cstdio>
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "pipeline/initial_condition.hpp"
#include "input/case_file.hpp"
#include "input/job_keys.hpp"

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

// Writes `settings` as TOML sections: a header where the section changes, `key = value` lines,
// and a blank line after every section but [analysis] (the texts' layout since the first store:
// the content hashes are over it). Keys in `leave_out` are not written; their section's header is.
void write_sections(std::ostream& os, const std::vector<KeySetting>& settings,
                    const std::function<bool(const std::string&)>& leave_out = nullptr) {
  std::string section;
  for (const KeySetting& s : settings) {
    const size_t dot = s.key.find('.');
    const std::string sec = s.key.substr(0, dot);
    if (sec != section) {
      if (!section.empty() && section != "analysis") os << "\n";
      os << "[" << sec << "]\n";
      section = sec;
    }
    if (!leave_out || !leave_out(s.key)) os << s.key.substr(dot + 1) << " = " << s.value.text << "\n";
  }
  if (!section.empty() && section != "analysis") os << "\n";
}

// A case that is not built in travels with the text (and so enters the content hash).
void write_case(std::ostream& os, const PdeSettings& p) {
  if (!p.pde_case->builtin) os << "\n" << case_toml(*p.pde_case);
}

}  // namespace

std::string toml_number(double v) { return num(v); }
std::string toml_string(const std::string& s) { return quoted(s); }

std::string canonical_truth_toml(const ExperimentSpec& spec) {
  // [pde], the training stencil and the truth integrator's keys: what the truth data depend on.
  static const std::set<std::string> truth_keys = {"stencils.train", "integrator.truth", "integrator.truth_rtol",
                                                   "integrator.truth_atol", "integrator.truth_correction"};
  std::vector<KeySetting> settings;
  for (KeySetting& s : key_settings(spec))
    if (s.key.rfind("pde.", 0) == 0 || truth_keys.count(s.key)) settings.push_back(std::move(s));
  std::ostringstream os;
  write_sections(os, settings);
  std::string text = os.str();
  text.pop_back();  // its last section ends without a blank line
  std::ostringstream with_case;
  write_case(with_case, spec.pde);
  return text + with_case.str();
}

std::string initial_condition_toml(const InitialCondition& ic) {
  const IcFamily& family = ic_family(ic.kind);
  std::string s = "{ kind = " + quoted(family.name) + ", amplitude = " + num(ic.amplitude);
  if (family.parameter) s += ", " + std::string(family.parameter) + " = " + num(ic.shape);
  return s + " }";
}

std::string canonical_toml(const ExperimentSpec& spec) { return canonical_toml(spec, false); }

std::string canonical_toml(const ExperimentSpec& spec, bool state_fields) {
  CanonicalContext context;
  context.state_fields = state_fields;
  std::ostringstream os;
  write_sections(os, key_settings(spec, context));
  write_case(os, spec.pde);
  return os.str();
}

namespace {

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
  std::ostringstream os;
  // The seed axis (experiment.seed, the job key) replaces [sweep] seed.
  os << "[sweep]\nname = " << quoted(s.name) << "\n";
  if (!s.axis("experiment.seed")) os << "seed = " << s.seed << "\n";
  os << "replicates = " << s.replicates << "\n\n";
  CanonicalContext context;
  context.sweep = true;
  context.every_network_kind = s.axis("network.kind") != nullptr;
  // A key the grid varies is named once, as an axis.
  write_sections(os, key_settings(s.base, context), [&s](const std::string& key) { return s.axis(key) != nullptr; });
  os << "\n[grid]\n";
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
