#pragma once
// Validation rules shared by job and sweep files: each reads one key and fails with the file,
// line and key when the value is not allowed.
#include <optional>
#include <string>
#include <vector>

#include "pipeline/experiment_spec.hpp"
#include "input/toml_reader.hpp"

namespace npde {

std::string join(const std::vector<std::string>& v);
std::string one_of(TomlReader& r, const std::string& key, const std::vector<std::string>& allowed,
                   std::optional<std::string> fallback = std::nullopt);
// The same for a kind with a spelling table (pipeline/experiment_spec.hpp).
template <class E>
E one_of_kinds(TomlReader& r, const std::string& key, std::optional<E> fallback = std::nullopt) {
  const std::optional<std::string> f = fallback ? std::optional<std::string>(name_of(*fallback)) : std::nullopt;
  return kind_from_name<E>(one_of(r, key, names_of<E>(), f));
}
std::string stencil_name(TomlReader& r, const std::string& key, std::optional<std::string> fallback = std::nullopt);
double positive(TomlReader& r, const std::string& key, std::optional<double> fallback = std::nullopt);
int positive_int(TomlReader& r, const std::string& key, std::optional<long long> fallback = std::nullopt,
                 long long min = 1);
// A length is a number or a multiple of pi written "2*pi", "5 pi" or "pi".
double length_value(TomlReader& r, const std::string& key);

}  // namespace npde
