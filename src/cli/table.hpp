#pragma once
// The one output formatter of the readers (query, summarize, status, show, export): a table of
// columns whose cells are text, keys, integers, numbers or ranges, printed as aligned text, as
// CSV (RFC 4180 quoting), as JSON (an array of objects keyed by column) or as JSON lines (one
// object per line). One spelling everywhere (docs/store.md, "Output formats"): numbers at their
// shortest round-trip text, keys that are numbers (resolution, a learning rate) as numbers, a
// missing value "" in CSV and null in JSON, a blow-up inf (JSON "inf"), a computed NaN nan (JSON
// "nan"): strict JSON, which has no literal for either. Integers beyond 2^53 (seeds) are JSON
// strings of their digits, exact in every reader.
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/kind_names.hpp"
#include "input/printable.hpp"

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
// Key `name`'s value as JSON: key_json(text), but the seed always a string.
Json key_json(const std::string& name, const std::string& text);

// Text with its control characters escaped (spec/printable.hpp).
using npde::printable;

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
  // Key `name`'s value: as key(value), except the seed (a 64-bit integer), which JSON has as a
  // string of its digits in every row (exact in every reader, one type per column).
  Table& key(const std::string& name, const std::string& value);
  Table& integer(long long value);
  // A 64-bit identifier (a seed): its digits in the table and CSV, a string of them in JSON (a
  // JSON reader's double would round it beyond 2^53), so the column has one type.
  Table& exact(unsigned long long value);
  // A metric's value as computed: NaN is a value (nan, JSON NaN), not a missing one.
  Table& value(double v);
  Table& missing();  // "" in the table and CSV, null in JSON
  // `spec` formats it in the table; CSV has the shortest text that reads back to the same
  // double. NaN is missing: "" (JSON null); +-inf is "inf" / "-inf". In the table `missing` and
  // `infinite` may say it in words (e.g. "-", "blew up"); CSV and JSON keep the typed spelling.
  Table& number(double value, const char* spec = kGeneral, const char* missing = "", const char* infinite = nullptr);
  // "lo..hi" in the table ("lo" if equal, "-" if empty: lo > hi), JSON [lo, hi] or null; in CSV
  // two numeric columns KEY_min and KEY_max (empty fields when empty), so every CSV column has one type.
  Table& range(double lo, double hi, const char* spec = kGeneral);

  void print(std::ostream& out, Format format) const;
  Json to_json() const;  // the array of row objects

 private:
  struct Cell {
    std::string text;   // as printed in the table
    std::string csv;    // as written in CSV: numbers with every digit (round trip)
    Json json;
    bool right = false;  // numbers are right-aligned in the table
    bool is_range = false;
    std::string csv_hi;  // a range's upper end in CSV (its own column)
  };
  std::vector<Column> columns_;
  std::vector<std::vector<Cell>> rows_;
};

// JSON of a number in a reader's output: NaN (no value) null, +-inf kept (written "inf", "-inf").
Json json_number(double v);
// Writes `j` as strict JSON with the one spelling above: numbers at shortest round-trip text,
// +-inf as "inf" / "-inf", a NaN held as a number as "nan", integers beyond 2^53 as strings of
// their digits; `indent` < 0: one line.
void write_json(std::ostream& out, const Json& j, int indent = 1);

}  // namespace npde::cli
