#include "input/field_rules.hpp"

#include <algorithm>
#include <cmath>

#include "numerics/stencil.hpp"

namespace npde {

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::string one_of(TomlReader& r, const std::string& key, const std::vector<std::string>& allowed,
                   std::optional<std::string> fallback) {
  const std::string v = r.get_string(key, fallback);
  if (std::find(allowed.begin(), allowed.end(), v) == allowed.end())
    r.fail(key, "'" + v + "' is not one of: " + join(allowed));
  return v;
}

std::string stencil_name(TomlReader& r, const std::string& key, std::optional<std::string> fallback) {
  const std::string v = r.get_string(key, fallback);
  if (!is_stencil_name(v)) r.fail(key, "unknown stencil '" + v + "'; known stencils: " + join(stencil_names()));
  return v;
}

double positive(TomlReader& r, const std::string& key, std::optional<double> fallback) {
  const double v = r.get_number(key, fallback);
  if (!(v > 0.0) || !std::isfinite(v)) r.fail(key, "must be a positive finite number");
  return v;
}

int positive_int(TomlReader& r, const std::string& key, std::optional<long long> fallback,
                 long long min) {
  const long long v = r.get_integer(key, fallback);
  if (v < min || v > 1'000'000'000) r.fail(key, "must be an integer >= " + std::to_string(min));
  return static_cast<int>(v);
}

double length_value(TomlReader& r, const std::string& key) {
  const toml::node* n = r.get_node(key);
  if (!n) r.fail(key, "missing; expected a number or a multiple of pi such as \"2*pi\"");
  if (n->is_string()) {
    std::string s = n->as_string()->get();
    s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
    if (s.size() >= 2 && s.compare(s.size() - 2, 2, "pi") == 0) {
      std::string factor = s.substr(0, s.size() - 2);
      if (!factor.empty() && factor.back() == '*') factor.pop_back();
      try {
        size_t used = 0;
        const double f = factor.empty() ? 1.0 : std::stod(factor, &used);
        if (factor.empty() || used == factor.size()) {
          if (f > 0 && std::isfinite(f * M_PI)) return f * M_PI;
        }
      } catch (const std::exception&) {
      }
    }
    r.fail(key, "'" + n->as_string()->get() + "' is not a positive number or multiple of pi like \"2*pi\"");
  }
  return positive(r, key);
}


}  // namespace npde
