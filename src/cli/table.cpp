#include "cli/table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "cli/args.hpp"
#include "store/query.hpp"

namespace npde {
template <>
const std::vector<KindName<cli::Format>>& kind_names<cli::Format>() {
  static const std::vector<KindName<cli::Format>> n = {
      {cli::Format::table, "table"}, {cli::Format::csv, "csv"}, {cli::Format::json, "json"}};  // jsonl: export's own
  return n;
}
}  // namespace npde

namespace npde::cli {

void add_format_option(CommandLine& cl, Format& format, const std::string& help) {
  cl.kind_option("--format", format, help, "FORMAT");
}

Json json_number(double v) { return std::isnan(v) ? Json(nullptr) : Json(v); }

namespace {

constexpr long long kExactInJson = 1LL << 53;  // every integer up to this is exact in a double

void write_json_at(std::ostream& out, const Json& j, int indent, int depth) {
  const std::string pad = indent < 0 ? "" : "\n" + std::string(static_cast<size_t>(indent * (depth + 1)), ' ');
  const std::string close = indent < 0 ? "" : "\n" + std::string(static_cast<size_t>(indent * depth), ' ');
  const char* comma = indent < 0 ? ", " : ",";
  switch (j.type()) {
    case Json::value_t::object: {
      if (j.empty()) {
        out << "{}";
        return;
      }
      out << "{";
      bool first = true;
      for (const auto& [k, v] : j.items()) {
        out << (first ? "" : comma) << pad << Json(k).dump() << ": ";
        write_json_at(out, v, indent, depth + 1);
        first = false;
      }
      out << close << "}";
      return;
    }
    case Json::value_t::array: {
      if (j.empty()) {
        out << "[]";
        return;
      }
      out << "[";
      bool first = true;
      for (const Json& v : j) {
        out << (first ? "" : comma) << pad;
        write_json_at(out, v, indent, depth + 1);
        first = false;
      }
      out << close << "]";
      return;
    }
    case Json::value_t::number_float: {
      // Strict JSON (RFC 8259) has no inf or NaN: they are the strings "inf", "-inf", "nan".
      const double v = j.get<double>();
      if (std::isnan(v))
        out << "\"nan\"";
      else if (std::isinf(v))
        out << (v > 0 ? "\"inf\"" : "\"-inf\"");
      else
        out << fmt::format("{}", v);
      return;
    }
    case Json::value_t::number_integer: {
      // Most JSON readers hold numbers as doubles: an integer beyond 2^53 is written as a string
      // of its digits, which every reader keeps exactly.
      const long long v = j.get<long long>();
      if (v > kExactInJson || v < -kExactInJson)
        out << '"' << v << '"';
      else
        out << v;
      return;
    }
    case Json::value_t::number_unsigned: {
      const unsigned long long v = j.get<unsigned long long>();
      if (v > static_cast<unsigned long long>(kExactInJson))
        out << '"' << v << '"';
      else
        out << v;
      return;
    }
    default: out << j.dump();
  }
}

}  // namespace

// A key's text as JSON: a number when the whole text is one (integers as integers).
Json key_json(const std::string& text) {
  double v = 0;
  if (!as_decimal(text, &v)) return text;
  if (text.find_first_of(".eE") == std::string::npos) {
    char* end = nullptr;
    const long long i = std::strtoll(text.c_str(), &end, 10);
    if (end == text.c_str() + text.size()) return i;
  }
  return v;
}

Json key_json(const std::string& name, const std::string& text) {
  return name == "seed" ? Json(text) : key_json(text);
}

void write_json(std::ostream& out, const Json& j, int indent) { write_json_at(out, j, indent, 0); }

Table::Table(std::vector<Column> columns) : columns_(std::move(columns)) {
  for (Column& c : columns_)
    if (c.title.empty()) c.title = c.key;
}

Table& Table::row() {
  rows_.emplace_back();
  return *this;
}

Table& Table::text(const std::string& value) {
  // Text from files (an experiment's name, a trajectory file's attributes) may hold control
  // characters: the terminal table and CSV show them escaped (\xHH), never raw (an escape
  // sequence would repaint the user's terminal); JSON escapes them itself.
  rows_.back().push_back({printable(value), printable(value), value, false, false, ""});
  return *this;
}

Table& Table::key(const std::string& value) {
  rows_.back().push_back({value, value, key_json(value), false, false, ""});
  return *this;
}

Table& Table::key(const std::string& name, const std::string& value) {
  rows_.back().push_back({value, value, key_json(name, value), false, false, ""});
  return *this;
}

Table& Table::value(double v) {
  const std::string t = std::isnan(v) ? "nan" : std::isinf(v) ? (v > 0 ? "inf" : "-inf") : fmt::format("{}", v);
  rows_.back().push_back({t, t, Json(v), true, false, ""});
  return *this;
}

Table& Table::missing() {
  rows_.back().push_back({"", "", nullptr, true, false, ""});
  return *this;
}

Table& Table::integer(long long value) {
  rows_.back().push_back({std::to_string(value), std::to_string(value), value, true, false, ""});
  return *this;
}

Table& Table::exact(unsigned long long value) {
  rows_.back().push_back({std::to_string(value), std::to_string(value), std::to_string(value), true, false, ""});
  return *this;
}

Table& Table::number(double value, const char* spec, const char* missing, const char* infinite) {
  std::string t, csv;
  if (std::isnan(value))
    t = missing, csv = "";
  else if (std::isinf(value))
    csv = value > 0 ? "inf" : "-inf", t = infinite ? infinite : csv;
  else
    t = fmt::format(fmt::runtime(spec), value), csv = fmt::format("{}", value);  // CSV: every digit
  rows_.back().push_back({t, csv, json_number(value), true, false, ""});
  return *this;
}

Table& Table::range(double lo, double hi, const char* spec) {
  if (lo > hi) {
    rows_.back().push_back({"-", "", nullptr, false, true, ""});
    return *this;
  }
  const std::string a = fmt::format(fmt::runtime(spec), lo), b = fmt::format(fmt::runtime(spec), hi);
  const std::string ca = fmt::format("{}", lo), cb = fmt::format("{}", hi);
  rows_.back().push_back({lo == hi ? a : a + ".." + b, ca, Json::array({json_number(lo), json_number(hi)}), false, true, cb});
  return *this;
}

Json Table::to_json() const {
  Json out = Json::array();
  for (const auto& r : rows_) {
    Json o = Json::object();
    for (size_t i = 0; i < r.size() && i < columns_.size(); ++i) o[columns_[i].key] = r[i].json;
    out.push_back(std::move(o));
  }
  return out;
}

namespace {

std::string csv_field(const std::string& v) {
  if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
  std::string q = "\"";
  for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

void Table::print(std::ostream& out, Format format) const {
  if (format == Format::json) {
    write_json(out, to_json());
    out << "\n";
    return;
  }
  if (format == Format::jsonl) {
    for (const Json& o : to_json()) {
      write_json(out, o, -1);
      out << "\n";
    }
    return;
  }
  if (format == Format::csv) {
    // A column of ranges is two numeric columns, KEY_min and KEY_max.
    std::vector<bool> ranges(columns_.size(), false);
    for (const auto& r : rows_)
      for (size_t i = 0; i < r.size() && i < ranges.size(); ++i) ranges[i] = ranges[i] || r[i].is_range;
    for (size_t i = 0; i < columns_.size(); ++i) {
      out << (i ? "," : "");
      if (ranges[i])
        out << csv_field(columns_[i].key + "_min") << "," << csv_field(columns_[i].key + "_max");
      else
        out << csv_field(columns_[i].title);
    }
    out << "\n";
    for (const auto& r : rows_) {
      for (size_t i = 0; i < r.size(); ++i) {
        out << (i ? "," : "") << csv_field(r[i].csv);
        if (ranges[i]) out << "," << csv_field(r[i].is_range ? r[i].csv_hi : r[i].csv);
      }
      out << "\n";
    }
    return;
  }
  std::vector<size_t> width(columns_.size(), 0);
  for (size_t i = 0; i < columns_.size(); ++i) width[i] = columns_[i].title.size();
  for (const auto& r : rows_)
    for (size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], r[i].text.size());
  auto line = [&](auto cell_text, auto right) {
    std::string s;
    for (size_t i = 0; i < columns_.size(); ++i) {
      const std::string t = cell_text(i);
      const std::string pad(width[i] - std::min(width[i], t.size()), ' ');
      s += right(i) ? pad + t : (i + 1 < columns_.size() ? t + pad : t);
      if (i + 1 < columns_.size()) s += "  ";
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    out << s << "\n";
  };
  line([&](size_t i) { return columns_[i].title; }, [](size_t) { return false; });
  for (const auto& r : rows_)
    line([&](size_t i) { return i < r.size() ? r[i].text : std::string(); },
         [&](size_t i) { return i < r.size() && r[i].right; });
}

}  // namespace npde::cli
