#pragma once
// The one output formatter of the readers (query, summarize, status, show, export): a table of
// columns whose cells are text, keys, integers, numbers or ranges, printed as aligned text, as
// CSV (RFC 4180 quoting), as JSON (an array of objects keyed by column) or as JSON lines (one
// object per line). One spelling everywhere (docs/store.md, "Output formats"): numbers at their
// shortest round-trip text, keys that are numbers (resolution, a learning rate) as numbers, a
// missing value "" in CSV and null in JSON, a blow-up inf / Infinity, a computed NaN nan / NaN
// (JSON's Infinity and NaN as Python's json module and pandas read them).
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/kind_names.hpp"

namespace npde::cli {
enum class Format;
}
namespace npde {
template <>
const std::vector<KindName<cli::Format>>& kind_names<cli::Format>();  // "table", "csv", "json"
}

namespace npde::cli {

// JSON objects keep their keys in the order written (columns in table order).
using Json = nlohmann::ordered_json;

enum class Format { table, csv, json, jsonl };

// A key's text as JSON: a number when the whole text is one (integers as integers), else text.
Json key_json(const std::string& text);

// `text` with its control characters (below 0x20, and 0x7f) written as \xHH: text read from a
// file, safe to print on a terminal.
std::string printable(const std::string& text);

// Declares --format FORMAT on a command: table (the default), csv or json, checked by the parser.
// `help` says what each format prints for this command.
class CommandLine;
void add_format_option(CommandLine& cl, Format& format, const std::string& help);

// How a number looks in the aligned table (CSV and JSON keep every digit): an fmt format spec.
inline constexpr const char* kGeneral = "{:.6g}";

class Table {
 public:
  struct Column {
    std::string key;    // JSON key
    std::string title;  // table and CSV header (the key when empty)
  };
  explicit Table(std::vector<Column> columns);

  Table& row();  // starts a row; cells follow in column order
  Table& text(const std::string& value);  // control characters shown escaped (printable) outside JSON
  // A key's value (resolution, a dotted axis): JSON has it as a number when it is one.
  Table& key(const std::string& value);
  Table& integer(long long value);
  // A metric's value as computed: NaN is a value (nan, JSON NaN), not a missing one.
  Table& value(double v);
  Table& missing();  // "" in the table and CSV, null in JSON
  // `spec` formats it in the table; CSV has the shortest text that reads back to the same
  // double. NaN prints as "" (JSON null), +-inf as "inf" / "-inf" (JSON null), unless `missing`
  // or `infinite` say otherwise (e.g. "-", "blew up").
  Table& number(double value, const char* spec = kGeneral, const char* missing = "", const char* infinite = nullptr);
  // "lo..hi" ("lo" if equal, "-" if empty: lo > hi), JSON [lo, hi] or null.
  Table& range(double lo, double hi, const char* spec = kGeneral);

  void print(std::ostream& out, Format format) const;
  Json to_json() const;  // the array of row objects

 private:
  struct Cell {
    std::string text;   // as printed in the table
    std::string csv;    // as written in CSV: numbers with every digit (round trip)
    Json json;
    bool right = false;  // numbers are right-aligned in the table
  };
  std::vector<Column> columns_;
  std::vector<std::vector<Cell>> rows_;
};

// JSON of a number in a reader's output: NaN (no value) null, +-inf kept (written Infinity).
Json json_number(double v);
// Writes `j` as JSON with the one spelling above: numbers at shortest round-trip text, +-inf as
// +-Infinity, a NaN held as a number as NaN; `indent` < 0: one line.
void write_json(std::ostream& out, const Json& j, int indent = 1);

}  // namespace npde::cli
