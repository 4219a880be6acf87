// The readers' one formatter and the option table every command declares.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <sstream>

#include "cli/args.hpp"
#include "cli/table.hpp"

using namespace npde::cli;

namespace {

Table sample() {
  Table t({{"name", ""}, {"value", "mean(x)"}, {"n", ""}, {"range", ""}});
  t.row().text("plain").number(0.5).integer(3).range(1.0, 2.0, "{:.2f}");
  t.row().text("comma, \"quoted\"").number(std::nan("")).integer(0).range(INFINITY, -INFINITY);
  t.row().text("blown").number(std::numeric_limits<double>::infinity()).integer(12).range(1.5, 1.5, "{:.1f}");
  return t;
}

std::string printed(const Table& t, Format f) {
  std::ostringstream os;
  t.print(os, f);
  return os.str();
}

}  // namespace

TEST_CASE("Table as CSV: titles as header, RFC 4180 quoting, NaN empty, inf spelled, every digit, typed columns",
          "[cli][table]") {
  // A range is two numeric columns (KEY_min, KEY_max), empty fields when it is empty: every CSV
  // column holds one type (pandas reads it as float64).
  CHECK(printed(sample(), Format::csv) ==
        "name,mean(x),n,range_min,range_max\n"
        "plain,0.5,3,1,2\n"
        "\"comma, \"\"quoted\"\"\",,0,,\n"
        "blown,inf,12,1.5,1.5\n");
  Table t(std::vector<Table::Column>{{"x", ""}});
  t.row().number(0.1 + 0.2);  // the table shows 0.3; CSV reads back to the same double
  CHECK(printed(t, Format::csv) == "x\n0.30000000000000004\n");
  CHECK(printed(t, Format::table) == "x\n0.3\n");
  // Words for people ("-", "blew up") stay in the table; CSV keeps the typed spelling.
  Table w(std::vector<Table::Column>{{"err", ""}, {"loss", ""}});
  w.row().number(INFINITY, "{:.3g}", "-", "blew up").number(std::nan(""), "{:.3g}", "-");
  CHECK(printed(w, Format::table) == "err      loss\nblew up     -\n");
  CHECK(printed(w, Format::csv) == "err,loss\ninf,\n");
}

TEST_CASE("Table as JSON: strict JSON, numbers at full precision, null missing, inf and nan as strings, keys typed",
          "[cli][table]") {
  Table t(std::vector<Table::Column>{{"x", ""}});
  t.row().number(0.1 + 0.2);
  const Json j = Json::parse(printed(t, Format::json));
  CHECK(j[0]["x"].get<double>() == 0.1 + 0.2);  // every digit survives
  const std::string text = printed(sample(), Format::json);
  CHECK(text.find("\"value\": \"inf\"") != std::string::npos);  // a blow-up is not a missing value
  const Json s = Json::parse(text);  // nlohmann's parser is strict: no NaN, no Infinity
  REQUIRE(s.size() == 3);
  CHECK(s[0]["name"] == "plain");
  CHECK(s[0]["value"] == 0.5);
  CHECK(s[0]["n"] == 3);
  CHECK(s[0]["range"] == Json::array({1.0, 2.0}));
  CHECK(s[1]["name"] == "comma, \"quoted\"");
  CHECK(s[1]["value"].is_null());
  CHECK(s[1]["range"].is_null());
  CHECK(s[2]["value"] == "inf");

  // Keys that are numbers are numbers; a computed NaN is "nan", a missing value null; JSON lines
  // hold one object per line.
  Table k({{"resolution", ""}, {"training.learning_rate", ""}, {"ic", ""}, {"a", ""}, {"b", ""}, {"c", ""}});
  k.row().key("50").key("0.05").key("step(A=2)").value(std::nan("")).missing().value(-INFINITY);
  const std::string line = printed(k, Format::jsonl);
  CHECK(line ==
        "{\"resolution\": 50, \"training.learning_rate\": 0.05, \"ic\": \"step(A=2)\", \"a\": \"nan\", \"b\": null, "
        "\"c\": \"-inf\"}\n");
  CHECK_NOTHROW(Json::parse(line));
  CHECK(printed(k, Format::csv) == "resolution,training.learning_rate,ic,a,b,c\n50,0.05,step(A=2),nan,,-inf\n");
}

TEST_CASE("JSON integers beyond 2^53 and seeds are strings of their digits, below, numbers", "[cli][table]") {
  // A reader holding JSON numbers as doubles (JavaScript, pandas' guess) rounds 6527728882149440490
  // to 6527728882149441000: the seed is always a string, any other integer beyond 2^53 too.
  Table t({{"seed", ""}, {"big", ""}, {"small", ""}, {"negative", ""}, {"key_seed", ""}, {"key_big", ""}});
  t.row()
      .exact(6527728882149440490ull)
      .integer(9007199254740993LL)
      .integer(9007199254740992LL)
      .integer(-9007199254740993LL)
      .key("seed", "12")
      .key("9007199254740993");
  const std::string line = printed(t, Format::jsonl);
  CHECK(line ==
        "{\"seed\": \"6527728882149440490\", \"big\": \"9007199254740993\", \"small\": 9007199254740992, "
        "\"negative\": \"-9007199254740993\", \"key_seed\": \"12\", \"key_big\": \"9007199254740993\"}\n");
  CHECK(printed(t, Format::csv) ==
        "seed,big,small,negative,key_seed,key_big\n"
        "6527728882149440490,9007199254740993,9007199254740992,-9007199254740993,12,9007199254740993\n");
}

TEST_CASE("Table as text: columns aligned, numbers right-aligned, no trailing blanks", "[cli][table]") {
  Table t({{"key", ""}, {"value", ""}});
  t.row().text("a").number(1.25);
  t.row().text("longer").number(100);
  CHECK(printed(t, Format::table) ==
        "key     value\n"
        "a        1.25\n"
        "longer    100\n");
}

TEST_CASE("Formats are named table, csv or json, a kind option refuses any other word", "[cli][table]") {
  CHECK(npde::kind_from_name<Format>("csv") == Format::csv);
  auto parse = [](const std::string& value, Format& format) {
    CommandLine cl("query", "test", "");
    add_format_option(cl, format, "the format");
    std::vector<std::string> words = {"query", "--format", value};
    std::vector<char*> argv;
    for (std::string& w : words) argv.push_back(w.data());
    return cl.parse(static_cast<int>(argv.size()), argv.data());
  };
  Format format = Format::table;
  CHECK_FALSE(parse("json", format).has_value());
  CHECK(format == Format::json);
  CHECK(parse("xml", format) == std::optional<int>(2));
  CHECK(format == Format::json);
}

TEST_CASE("CommandLine: --name=VALUE, repeated options, unknown options and missing values", "[cli][args]") {
  auto parse = [](std::vector<std::string> words, std::vector<std::string>& where, std::string& out) {
    CommandLine cl("query", "test", "");
    std::string file;
    cl.positional("FILE", file, "a file");
    cl.option("--where", where, "filter", "KEY=VALUE");
    cl.option("--out", out, "output", "FILE");
    std::vector<char*> argv;
    words.insert(words.begin(), "query");
    for (auto& w : words) argv.push_back(w.data());
    return cl.parse(static_cast<int>(argv.size()), argv.data());
  };
  std::vector<std::string> where;
  std::string out;
  CHECK_FALSE(parse({"f.h5", "--where", "a=b", "--where=c=d=e", "--out=x.h5"}, where, out).has_value());
  CHECK(where == std::vector<std::string>{"a=b", "c=d=e"});
  CHECK(out == "x.h5");
  where.clear();
  CHECK(parse({"f.h5", "--bogus"}, where, out) == 2);
  CHECK(parse({"f.h5", "--out"}, where, out) == 2);
  CHECK(parse({"f.h5", "--out", "a", "--out", "b"}, where, out) == 2);  // a single value given twice
  CHECK(parse({}, where, out) == 2);                                    // the positional is required
  CHECK(parse({"f.h5", "g.h5"}, where, out) == 2);                      // one positional only
  CHECK(parse({"--help"}, where, out) == 0);
}

TEST_CASE("Help text wraps at 64 columns and keeps every word", "[cli][args]") {
  const std::string text =
      "start from the flat parameter vector in F (dataset /weights/final, or F.h5:/path), e.g. a previous result file";
  const std::string wrapped = CommandLine::wrap(text);
  std::string rejoined = wrapped;
  for (char& c : rejoined)
    if (c == '\n') c = ' ';
  CHECK(rejoined == text);
  size_t start = 0;
  for (size_t nl = wrapped.find('\n'); ; nl = wrapped.find('\n', start)) {
    CHECK((nl == std::string::npos ? wrapped.size() : nl) - start <= 64);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
}
