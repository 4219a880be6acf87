#pragma once
// Validation rules shared by job and sweep files: each reads one key and fails with the file,
// line and key when the value is not allowed.
#include <optional>
#include <string>
#include <vector>

#include "spec/toml_reader.hpp"

namespace npde {

std::string join(const std::vector<std::string>& v);
std::string one_of(TomlReader& r, const std::string& key, const std::vector<std::string>& allowed,
                   std::optional<std::string> fallback = std::nullopt);
std::string stencil_name(TomlReader& r, const std::string& key, std::optional<std::string> fallback = std::nullopt);
double positive(TomlReader& r, const std::string& key, std::optional<double> fallback = std::nullopt);
int positive_int(TomlReader& r, const std::string& key, std::optional<long long> fallback = std::nullopt,
                 long long min = 1);
// A length is a number or a multiple of pi written "2*pi", "5 pi" or "pi".
double length_value(TomlReader& r, const std::string& key);

}  // namespace npde
