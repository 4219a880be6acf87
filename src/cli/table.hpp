#pragma once
// The one output formatter of the readers (query, summarize, status): a table of columns whose
// cells are text, integers, numbers or ranges, printed as aligned text, as CSV (RFC 4180
// quoting) or as JSON (an array of objects keyed by column; numbers stay numbers, NaN and inf
// become null, a range becomes [lo, hi]). JSON is Json's and number text fmt's.
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

enum class Format { table, csv, json };

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
  Table& text(const std::string& value);
  Table& integer(long long value);
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

// JSON of a number: the number, or null for NaN and +-inf (JSON has neither).
Json json_number(double v);

}  // namespace npde::cli
