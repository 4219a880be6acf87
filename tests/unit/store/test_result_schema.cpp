// The result schema is the one list of result datasets: the run-one file writes exactly these
// (and its three axis datasets), and the docs' tables name every one of them.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "pipeline/experiment.hpp"
#include "store/h5.hpp"
#include "store/result_file.hpp"
#include "store/result_schema.hpp"
#include "spec/canonical.hpp"
#include "../pipeline/small_case.hpp"

#include "../source_text.hpp"

using namespace npde;

using testing::read_text;

TEST_CASE("docs/result-file.md and docs/store.md name every declared result dataset", "[store][schema]") {
  const std::string result_doc = read_text("docs/result-file.md"), store_doc = read_text("docs/store.md");
  REQUIRE_FALSE(result_doc.empty());
  REQUIRE_FALSE(store_doc.empty());
  std::set<std::string> paths;
  for (const ResultDataset& d : result_datasets()) {
    INFO(d.path);
    CHECK(paths.insert(d.path).second);  // declared once
    CHECK(result_doc.find("`/" + d.path + "`") != std::string::npos);
    CHECK(store_doc.find("`" + d.path + "`") != std::string::npos);
    CHECK_FALSE(d.description.empty());
  }
}

TEST_CASE("docs/result-file.md names every declared attribute in its group's row", "[store][schema]") {
  const std::string doc = read_text("docs/result-file.md");
  std::set<std::pair<std::string, std::string>> declared;
  for (const ResultAttribute& a : result_attributes()) {
    INFO(a.group << " " << a.name);
    CHECK(declared.insert({a.group, a.name}).second);  // declared once
    if (a.name == "description") continue;             // prose about the group
    const std::string row_start = "| `/" + a.group + "` attributes |";
    const size_t row = doc.find(row_start);
    REQUIRE(row != std::string::npos);
    const std::string line = doc.substr(row, doc.find('\n', row) - row);
    CHECK(line.find("`" + a.name + "`") != std::string::npos);
  }
}

TEST_CASE("docs/store.md's metric table names every query metric the schema declares", "[store][schema]") {
  const std::string store_doc = read_text("docs/store.md");
  std::set<std::string> names;
  for (const MetricHelp& m : metric_help()) {
    INFO(m.name);
    CHECK(names.insert(m.name).second);  // one declaration per metric
    CHECK(store_doc.find("`" + m.name + "`") != std::string::npos);
    CHECK_FALSE(m.description.empty());
  }
  CHECK(names.count("rollout_error@K"));
  CHECK(names.count("max_lambda@N"));
}

TEST_CASE("A run-one result file holds exactly the declared datasets, in the declared shapes", "[store][schema]") {
  const ExperimentSpec spec = testing::small_burgers();
  const ExperimentResult r = run_experiment(spec, {});
  REQUIRE(r.status == CellStatus::done);
  const std::string path = "/tmp/npdesweep_schema_test_" + std::to_string(::getpid()) + ".h5";
  const std::string text = canonical_toml(spec);
  write_result_file(path, spec, text, content_hash(text), r, false);
  h5::Object f = h5::open_file_read_only(path);
  for (const ResultAttribute& a : result_attributes()) {
    INFO(a.group << " " << a.name);
    CHECK(h5::attribute_exists(f.id(), a.group.empty() ? "/" : "/" + a.group, a.name));
  }
  for (const ResultDataset& d : result_datasets()) {
    INFO(d.path);
    REQUIRE(h5::exists(f.id(), "/" + d.path));
    const std::vector<hsize_t> shape = h5::shape_of(f.id(), "/" + d.path), reserved = d.reserved_shape(spec);
    REQUIRE(shape.size() == reserved.size());
    for (size_t i = 0; i < shape.size(); ++i) CHECK(shape[i] <= reserved[i]);
  }
  std::remove(path.c_str());
}
