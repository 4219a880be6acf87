#include "cli/table.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "cli/args.hpp"

namespace npde {
template <>
const std::vector<KindName<cli::Format>>& kind_names<cli::Format>() {
  static const std::vector<KindName<cli::Format>> n = {
      {cli::Format::table, "table"}, {cli::Format::csv, "csv"}, {cli::Format::json, "json"}};
  return n;
}
}  // namespace npde

namespace npde::cli {

void add_format_option(CommandLine& cl, Format& format, const std::string& help) {
  cl.kind_option("--format", format, help, "FORMAT");
}

Json json_number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Table::Table(std::vector<Column> columns) : columns_(std::move(columns)) {
  for (Column& c : columns_)
    if (c.title.empty()) c.title = c.key;
}

Table& Table::row() {
  rows_.emplace_back();
  return *this;
}

Table& Table::text(const std::string& value) {
  rows_.back().push_back({value, value, value, false});
  return *this;
}

Table& Table::integer(long long value) {
  rows_.back().push_back({std::to_string(value), std::to_string(value), value, true});
  return *this;
}

Table& Table::number(double value, const char* spec, const char* missing, const char* infinite) {
  std::string t, csv;
  if (std::isnan(value))
    t = csv = missing;
  else if (std::isinf(value))
    t = csv = infinite ? infinite : (value > 0 ? "inf" : "-inf");
  else
    t = fmt::format(fmt::runtime(spec), value), csv = fmt::format("{}", value);  // CSV: every digit
  rows_.back().push_back({t, csv, json_number(value), true});
  return *this;
}

Table& Table::range(double lo, double hi, const char* spec) {
  if (lo > hi) {
    rows_.back().push_back({"-", "-", nullptr, false});
    return *this;
  }
  const std::string a = fmt::format(fmt::runtime(spec), lo), b = fmt::format(fmt::runtime(spec), hi);
  const std::string ca = fmt::format("{}", lo), cb = fmt::format("{}", hi);
  rows_.back().push_back(
      {lo == hi ? a : a + ".." + b, lo == hi ? ca : ca + ".." + cb, Json::array({json_number(lo), json_number(hi)}), false});
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
    out << to_json().dump(1) << "\n";
    return;
  }
  if (format == Format::csv) {
    for (size_t i = 0; i < columns_.size(); ++i) out << (i ? "," : "") << csv_field(columns_[i].title);
    out << "\n";
    for (const auto& r : rows_) {
      for (size_t i = 0; i < r.size(); ++i) out << (i ? "," : "") << csv_field(r[i].csv);
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
