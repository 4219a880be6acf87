#include "input/toml_reader.hpp"

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include <sys/stat.h>

#include "input/suggest.hpp"

namespace npde {
namespace {

std::string type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date or time";
  }
}

long line_of_node(const toml::node& n) { return static_cast<long>(n.source().begin.line); }

}  // namespace

TomlReader::TomlReader(const toml::table& table, std::string file, std::string path)
    : table_(&table), file_(std::move(file)), path_(std::move(path)) {}

toml::table TomlReader::parse_file(const std::string& file) { return parse_text(read_file(file), file); }

std::string TomlReader::read_file(const std::string& file) {
  struct stat st {};
  if (stat(file.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw InputError(file, 0, "", "cannot read the file: it is a directory");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file, 0, "", std::string("cannot read the file: ") + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) throw InputError(file, 0, "", "cannot read the file");
  return text.str();
}

toml::table TomlReader::parse_text(const std::string& text, const std::string& source) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw InputError(source, static_cast<long>(e.source().begin.line), "",
                     "TOML syntax error: " + std::string(e.description()));
  }
}

std::string TomlReader::path_of(const std::string& key) const {
  const std::string k = key.find('.') == std::string::npos ? key : "\"" + key + "\"";  // a dotted key, quoted
  return path_.empty() ? k : path_ + "." + k;
}

bool TomlReader::has(const std::string& key) const { return table_->contains(key); }

long TomlReader::line_of(const std::string& key) const {
  if (const toml::node* n = table_->get(key)) return line_of_node(*n);
  return static_cast<long>(table_->source().begin.line);
}

void TomlReader::fail(const std::string& key, const std::string& message) const {
  throw InputError(file_, line_of(key), path_of(key), message);
}

const toml::node* TomlReader::require(const std::string& key, const char* what) {
  used_.insert(key);
  const toml::node* n = table_->get(key);
  if (!n) {
    // A missing key is most often a misspelt one: point at the misspelling instead.
    for (auto&& [k, node] : *table_) {
      const std::string other(k.str());
      if (!used_.count(other) && edit_distance(other, key) <= 2)
        throw InputError(file_, line_of_node(node), path_of(other), "unknown key; did you mean '" + key + "'?");
    }
    fail(key, std::string("missing; expected ") + what);
  }
  return n;
}

bool TomlReader::use_default(const std::string& key) {
  used_.insert(key);
  return !has(key);
}

const toml::node* TomlReader::get_node(const std::string& key) {
  used_.insert(key);
  return table_->get(key);
}

std::string TomlReader::get_string(const std::string& key, std::optional<std::string> fallback) {
  if (fallback && use_default(key)) return *fallback;
  const toml::node* n = require(key, "a string");
  if (!n->is_string()) fail(key, "must be a string, not " + type_name(*n));
  return n->as_string()->get();
}

long long TomlReader::get_integer(const std::string& key, std::optional<long long> fallback) {
  if (fallback && use_default(key)) return *fallback;
  const toml::node* n = require(key, "an integer");
  if (!n->is_integer()) fail(key, "must be an integer, not " + type_name(*n));
  return n->as_integer()->get();
}

double TomlReader::get_number(const std::string& key, std::optional<double> fallback) {
  if (fallback && use_default(key)) return *fallback;
  const toml::node* n = require(key, "a number");
  if (n->is_integer()) return static_cast<double>(n->as_integer()->get());
  if (!n->is_floating_point()) fail(key, "must be a number, not " + type_name(*n));
  return n->as_floating_point()->get();
}

bool TomlReader::get_bool(const std::string& key, std::optional<bool> fallback) {
  if (fallback && use_default(key)) return *fallback;
  const toml::node* n = require(key, "true or false");
  if (!n->is_boolean()) fail(key, "must be true or false, not " + type_name(*n));
  return n->as_boolean()->get();
}

std::vector<long long> TomlReader::get_integer_list(const std::string& key,
                                                    std::optional<std::vector<long long>> fallback) {
  if (fallback && use_default(key)) return *fallback;
  const toml::node* n = require(key, "an array of integers");
  if (!n->is_array()) fail(key, "must be an array of integers, not " + type_name(*n));
  std::vector<long long> out;
  for (const toml::node& el : *n->as_array()) {
    if (!el.is_integer())
      throw InputError(file_, line_of_node(el), path_of(key), "must contain only integers, found " + type_name(el));
    out.push_back(el.as_integer()->get());
  }
  return out;
}

TomlReader TomlReader::table(const std::string& key) {
  const toml::node* n = require(key, "a table");
  if (!n->is_table()) fail(key, "must be a table, not " + type_name(*n));
  return TomlReader(*n->as_table(), file_, path_of(key));
}

std::optional<TomlReader> TomlReader::optional_table(const std::string& key) {
  if (use_default(key)) return std::nullopt;
  return table(key);
}

std::vector<TomlReader> TomlReader::table_list(const std::string& key) {
  const toml::node* n = require(key, "an array of tables");
  if (!n->is_array()) fail(key, "must be an array of tables, not " + type_name(*n));
  std::vector<TomlReader> out;
  int i = 0;
  for (const toml::node& el : *n->as_array()) {
    const std::string item = path_of(key) + "[" + std::to_string(i++) + "]";
    if (!el.is_table()) throw InputError(file_, line_of_node(el), item, "must be a table, not " + type_name(el));
    out.emplace_back(*el.as_table(), file_, item);
  }
  return out;
}

void TomlReader::finish() const {
  for (auto&& [k, node] : *table_) {
    const std::string key(k.str());
    if (!used_.count(key))
      throw InputError(file_, static_cast<long>(k.source().begin.line ? k.source().begin.line : node.source().begin.line),
                       path_of(key), "unknown key");
  }
}

}  // namespace npde
