// The docs' lists are the registries': the steppers a job key accepts, the initial-condition
// families, the built-in cases and the query statistics are named in the docs exactly as the
// code has them, and a sentence that calls a named feature missing fails once the feature
// exists. (Options are checked against --help by tests/cli/help_matches_docs.sh, datasets and
// metrics by test_result_schema.cpp.)
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "numerics/time_stepper.hpp"
#include "pipeline/initial_condition.hpp"
#include "input/case_file.hpp"
#include "store/query.hpp"

#include "../source_text.hpp"

using namespace npde;

using testing::read_text;

namespace {

// The quoted words ("rk4") of the second column of the table row that starts with `key`.
std::set<std::string> row_values(const std::string& doc, const std::string& key) {
  const size_t at = doc.find("| `" + key + "` |");
  REQUIRE(at != std::string::npos);
  const std::string row = doc.substr(at, doc.find('\n', at) - at);
  const size_t from = row.find('|', 2) + 1, to = row.find('|', from);
  const std::string column = row.substr(from, to - from);
  std::set<std::string> words;
  const std::regex quoted("\"([a-z0-9_]+)\"");
  for (auto it = std::sregex_iterator(column.begin(), column.end(), quoted); it != std::sregex_iterator(); ++it)
    words.insert((*it)[1]);
  return words;
}

std::set<std::string> set_of(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

// The sentences of `text` that say something named in backticks is missing, for each name of
// `names` they mention.
std::vector<std::string> missing_claims(const std::string& text, const std::set<std::string>& names) {
  static const std::regex claim(
      "(is not built|are not built|not offered|is not implemented|not supported|not available|is missing|no such "
      "stepper|does not exist yet)");
  std::vector<std::string> found;
  std::string sentence;
  for (char c : text) {
    sentence += c == '\n' ? ' ' : c;
    if (c != '.' && c != ';') continue;
    if (std::regex_search(sentence, claim))
      for (const std::string& n : names)
        if (sentence.find("`" + n + "`") != std::string::npos) found.push_back(n + ": " + sentence);
    sentence.clear();
  }
  return found;
}

}  // namespace

TEST_CASE("docs/job-file.md lists exactly the steppers each integrator key accepts", "[docs]") {
  const std::string doc = read_text("docs/job-file.md");
  const std::set<std::string> steppers = set_of(time_stepper_names());
  std::set<std::string> truths = steppers;
  truths.insert(kAdaptiveTruth);
  CHECK(row_values(doc, "[integrator] model") == steppers);
  CHECK(row_values(doc, "[integrator] truth") == truths);
  CHECK(row_values(doc, "[integrator] truth_map") == steppers);
  // README's layout names every table (as RK4, Tsit5, ...: compared without case)
  std::string readme = read_text("README.md");
  for (char& c : readme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const std::string& s : steppers) CHECK(readme.find(s) != std::string::npos);
}

TEST_CASE("docs/job-file.md lists every initial-condition family with its own parameter", "[docs]") {
  const std::string doc = read_text("docs/job-file.md");
  const size_t at = doc.find("Initial conditions (");
  REQUIRE(at != std::string::npos);
  std::set<std::string> listed;
  std::istringstream lines(doc.substr(at));
  std::string line;
  std::getline(lines, line);
  const std::regex item("^- `([a-z_]+)`:(.*)$");
  std::smatch m;
  while (std::getline(lines, line) && !line.empty())
    if (std::regex_match(line, m, item)) listed.insert(m[1]);
  std::set<std::string> families;
  for (const IcFamily& f : ic_families()) {
    families.insert(f.name);
    const size_t entry = doc.find("- `" + std::string(f.name) + "`:", at);
    REQUIRE(entry != std::string::npos);
    if (f.parameter) {
      const std::string text = doc.substr(entry, doc.find("\n- ", entry + 1) - entry);
      INFO(f.name);
      CHECK(std::regex_search(text, std::regex(std::string("\\b") + f.parameter + "\\b")));
    }
  }
  CHECK(listed == families);
}

TEST_CASE("docs/cases.md's table lists exactly the built-in cases", "[docs]") {
  const std::string doc = read_text("docs/cases.md");
  std::set<std::string> listed;
  const std::regex row("\\n\\| `([a-z0-9-]+)` \\|");
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), row); it != std::sregex_iterator(); ++it)
    listed.insert((*it)[1]);
  CHECK(listed == set_of(builtin_case_names()));
}

TEST_CASE("docs/store.md names every query statistic", "[docs]") {
  // as code (`mean, median` or `count`), not in prose, where "mean" and "count" are words
  const std::string doc = read_text("docs/store.md");
  std::set<std::string> in_code;
  const std::regex span("`([^`\n]+)`");
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), span); it != std::sregex_iterator(); ++it) {
    std::stringstream words((*it)[1]);
    for (std::string w; std::getline(words, w, ',');) in_code.insert(w.substr(w.find_first_not_of(' ')));
  }
  for (const std::string& s : names_of<Statistic>()) {
    INFO(s);
    CHECK(in_code.count(s) == 1);
  }
}

TEST_CASE("No page calls a stepper, IC family, case or statistic missing that exists", "[docs]") {
  std::set<std::string> names = set_of(time_stepper_names());
  for (const IcFamily& f : ic_families()) names.insert(f.name);
  for (const std::string& c : builtin_case_names()) names.insert(c);
  for (const std::string& s : names_of<Statistic>()) names.insert(s);
  std::vector<std::string> claims;
  for (const char* page : {"README.md", "docs/job-file.md", "docs/numerics.md", "docs/cases.md", "docs/store.md",
                           "docs/extending.md", "docs/performance.md", "docs/science.md", "docs/scheduling.md",
                           "docs/sweep-file.md", "docs/result-file.md"})
    for (const std::string& c : missing_claims(read_text(page), names)) claims.push_back(std::string(page) + ": " + c);
  for (const std::string& c : claims) UNSCOPED_INFO(c);
  CHECK(claims.empty());
  // The check can fail.
  CHECK(missing_claims("The `etdrk4` truth map is not offered. Fine.", names).size() == 1);
}
