#pragma once
// A closed set (an enum) and its one spelling table: kind_names<E>() lists each value with the
// word that job files, options and result files use for it. Everything else (parsing, printing,
// the list in --help and in error messages) is derived from that table.
#include <stdexcept>
#include <string>
#include <vector>

namespace npde {

template <class E>
struct KindName {
  E kind;
  const char* name;
};
template <class E>
const std::vector<KindName<E>>& kind_names();
template <class E>
const char* name_of(E kind) {
  for (const auto& k : kind_names<E>())
    if (k.kind == kind) return k.name;
  return "?";
}
template <class E>
std::vector<std::string> names_of() {
  std::vector<std::string> v;
  for (const auto& k : kind_names<E>()) v.push_back(k.name);
  return v;
}
// The kind spelled `name`; std::invalid_argument naming the allowed spellings otherwise.
template <class E>
E kind_from_name(const std::string& name) {
  std::string allowed;
  for (const auto& k : kind_names<E>()) {
    if (name == k.name) return k.kind;
    allowed += (allowed.empty() ? "" : ", ") + std::string(k.name);
  }
  throw std::invalid_argument("'" + name + "' is not one of " + allowed);
}

}  // namespace npde
