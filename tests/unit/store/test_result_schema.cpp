// The result schema is the one list of result datasets: the run-one file writes exactly these
// (and its three axis datasets), and the docs' tables name every one of them.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <fstream>
#include <set>
#include <sstream>

#include "pipeline/experiment.hpp"
#include "pipeline/initial_condition.hpp"
#include "store/h5.hpp"
#include "store/result_file.hpp"
#include "store/result_schema.hpp"
#include "input/canonical.hpp"
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
  ExperimentSpec spec = testing::small_burgers();
  spec.fields = FieldsKept::all;  // every solution field too
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

// The solution fields are the states the other results were computed from: the stored rollout
// error is the relative distance of the stored rollout field from the stored truth field, the
// truth field starts at the IC sampled on the x coordinate, and a setting keeps exactly its
// datasets without changing any other result.
TEST_CASE("Stored solution fields agree with the rollout errors and follow analysis.fields", "[store][schema][fields]") {
  ExperimentSpec spec = testing::small_burgers();
  spec.test_ics.push_back({IcKind::step, 9.0, 0.0});
  const std::string base = "/tmp/npdesweep_fields_test_" + std::to_string(::getpid());
  std::map<FieldsKept, std::string> files;
  for (FieldsKept kept : {FieldsKept::none, FieldsKept::rollouts, FieldsKept::all}) {
    spec.fields = kept;
    const ExperimentResult r = run_experiment(spec, {});
    REQUIRE(r.status == CellStatus::done);
    files[kept] = base + "_" + name_of(kept) + ".h5";
    const std::string text = canonical_toml(spec);
    write_result_file(files[kept], spec, text, content_hash(text), r, false);
  }
  h5::Object none = h5::open_file_read_only(files[FieldsKept::none]);
  h5::Object rollouts = h5::open_file_read_only(files[FieldsKept::rollouts]);
  h5::Object all = h5::open_file_read_only(files[FieldsKept::all]);
  CHECK_FALSE(h5::exists(none.id(), "/fields"));
  CHECK(h5::exists(rollouts.id(), "/fields/truth"));
  CHECK(h5::exists(rollouts.id(), "/fields/rollout"));
  CHECK_FALSE(h5::exists(rollouts.id(), "/fields/training_truth"));
  CHECK(h5::exists(all.id(), "/fields/training_rollout"));
  // Every other dataset is the same, bitwise, whatever the setting.
  for (const ResultDataset& d : result_datasets()) {
    if (d.fields != FieldsKept::none || !h5::exists(none.id(), "/" + d.path)) continue;
    INFO(d.path);
    CHECK(h5::read_raw(none.id(), "/" + d.path).bytes == h5::read_raw(all.id(), "/" + d.path).bytes);
  }

  std::vector<hsize_t> shape;
  const std::vector<double> truth = h5::read_doubles(all.id(), "/fields/truth", &shape);
  const std::vector<double> model = h5::read_doubles(all.id(), "/fields/rollout");
  const std::vector<double> error = h5::read_doubles(all.id(), "/rollout/relative_l2_error");
  const std::vector<double> x = h5::read_doubles(all.id(), "/fields/x");
  REQUIRE(shape == std::vector<hsize_t>{2, static_cast<hsize_t>(spec.steps + 1), 16});
  REQUIRE(x.size() == 16);
  CHECK(x[1] == Approx(2 * M_PI / 16).epsilon(1e-15));
  const size_t steps = shape[1], n = shape[2];
  int blown_up = 0;
  for (size_t t = 0; t < shape[0]; ++t) {
    const Eigen::VectorXd u0 = sample_initial_condition(spec.test_ics[t], 16, spec.pde.length);
    for (size_t j = 0; j < n; ++j) CHECK(truth[t * steps * n + j] == u0[static_cast<long>(j)]);
    for (size_t k = 0; k < steps; ++k) {
      double d2 = 0, t2 = 0;
      for (size_t j = 0; j < n; ++j) {
        const size_t i = (t * steps + k) * n + j;
        d2 += (model[i] - truth[i]) * (model[i] - truth[i]);
        t2 += truth[i] * truth[i];
      }
      const double stored = error[t * steps + k];
      INFO("test IC " << t << " step " << k);
      if (std::isnan(stored)) {
        CHECK(std::isnan(d2));  // a blow-up: NaN from its step on in both
        ++blown_up;
      } else {
        CHECK(std::sqrt(d2 / t2) == Approx(stored).epsilon(1e-12).margin(1e-300));
      }
    }
  }
  INFO(blown_up << " blown-up steps");
  // The training IC's truth starts at its IC, and so does the model's rollout from it.
  const std::vector<double> training_truth = h5::read_doubles(all.id(), "/fields/training_truth");
  const std::vector<double> training_rollout = h5::read_doubles(all.id(), "/fields/training_rollout");
  const Eigen::VectorXd u0 = sample_initial_condition(spec.train_ic, 16, spec.pde.length);
  for (size_t j = 0; j < n; ++j) {
    CHECK(training_truth[j] == u0[static_cast<long>(j)]);
    CHECK(training_rollout[j] == u0[static_cast<long>(j)]);
  }
  for (const auto& [kept, path] : files) std::remove(path.c_str());
}
