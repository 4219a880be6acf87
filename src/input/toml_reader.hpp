#pragma once
// Typed, line-aware access to one TOML table. Every accessor names the dotted key and its line
// in the error it throws, and `finish()` rejects keys nobody asked for, so a typo is an error
// instead of a silently ignored setting. Shared by job and sweep files.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "input/input_error.hpp"

namespace npde {

class TomlReader {
 public:
  TomlReader(const toml::table& table, std::string file, std::string path);

  // Reads and validates a whole file; throws InputError for unreadable files and syntax errors.
  static toml::table parse_file(const std::string& file);
  // The text of a file, with the same errors as parse_file for one that cannot be read.
  static std::string read_file(const std::string& file);
  // The same for text held in memory (e.g. a store's canonical sweep); `source` names it in errors.
  static toml::table parse_text(const std::string& text, const std::string& source);

  bool has(const std::string& key) const;
  long line_of(const std::string& key) const;  // the key's line, or the table's when absent
  std::string path_of(const std::string& key) const;

  std::string get_string(const std::string& key, std::optional<std::string> fallback = std::nullopt);
  long long get_integer(const std::string& key, std::optional<long long> fallback = std::nullopt);
  double get_number(const std::string& key, std::optional<double> fallback = std::nullopt);  // int or float
  bool get_bool(const std::string& key, std::optional<bool> fallback = std::nullopt);
  std::vector<long long> get_integer_list(const std::string& key, std::optional<std::vector<long long>> fallback = std::nullopt);
  // The value as a node, for keys that accept more than one type (e.g. "auto" or an integer).
  const toml::node* get_node(const std::string& key);

  TomlReader table(const std::string& key);                // a required sub-table
  std::optional<TomlReader> optional_table(const std::string& key);
  std::vector<TomlReader> table_list(const std::string& key);  // array of (inline) tables

  // Throws for the first key of this table that no accessor read.
  void finish() const;

  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  const std::string& file() const { return file_; }

 private:
  bool use_default(const std::string& key);  // marks the key read; true when it is absent
  const toml::node* require(const std::string& key, const char* what);
  const toml::table* table_;
  std::string file_, path_;
  std::set<std::string> used_;
};

}  // namespace npde
