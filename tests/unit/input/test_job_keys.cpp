// The job-key registry (spec/job_keys.hpp): the canonical texts it writes are the ones every
// store's content hashes were made from (fixtures written before the registry existed), its
// table is docs/job-file.md's, and each key it offers a sweep axis is one the sweep reader takes.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <unistd.h>

#include "input/canonical.hpp"
#include "input/input_error.hpp"
#include "input/job_file.hpp"
#include "input/job_keys.hpp"
#include "input/sweep_file.hpp"
#include "../source_text.hpp"

using namespace npde;

namespace {

std::string source(const std::string& relative) { return std::string(NPDESWEEP_SOURCE_DIR) + "/" + relative; }

// Every job kind the canonical text treats apart: the shipped jobs, and Burgers Expt 1 with each
// key that is written only away from its default set, one-shot training, a CNN, fixed substeps.
std::vector<std::pair<std::string, ExperimentSpec>> specs() {
  std::vector<std::pair<std::string, ExperimentSpec>> out;
  for (const char* job : {"advdiff", "allen-cahn", "burgers-expt1", "burgers-expt1-cnn", "burgers-expt2", "gkdv-expt1",
                          "gkdv-expt2", "kdv", "ks"})
    out.emplace_back(job, read_job_file(source("jobs/") + job + ".toml", FieldsKept::none));
  const ExperimentSpec base = read_job_file(source("jobs/burgers-expt1.toml"), FieldsKept::none);
  auto variant = [&](const std::string& name, const std::function<void(ExperimentSpec&)>& change) {
    ExperimentSpec s = base;
    change(s);
    out.emplace_back(name, s);
  };
  variant("one-shot", [](ExperimentSpec& s) {
    s.training.mode = TrainingMode::one_shot;
    s.training.transitions = 1;
    s.training.update = UpdateRule::summed;
    s.jacobian_states.clear();
  });
  variant("one-shot-trajectory", [](ExperimentSpec& s) {
    s.training.mode = TrainingMode::one_shot;
    s.training.loss = OneShotLoss::trajectory;
    s.jacobian_states.clear();
    s.fields = FieldsKept::rollouts;
  });
  variant("steppers", [](ExperimentSpec& s) {
    s.integrator.model = Stepper::named("ssprk3");
    s.integrator.truth_map = Stepper::named("ifrk4");
    s.integrator.substeps = 7;
  });
  variant("fixed-step-truth", [](ExperimentSpec& s) { s.integrator.truth = Stepper::named("tsit5"); });
  variant("richardson", [](ExperimentSpec& s) { s.integrator.truth_correction = TruthCorrection::richardson; });
  variant("fields-global", [](ExperimentSpec& s) {
    s.fields = FieldsKept::all;
    s.pseudospectra = PseudospectralSearch::global;
  });
  variant("summed", [](ExperimentSpec& s) { s.training.update = UpdateRule::summed; });
  return out;
}

std::vector<std::string> sweeps() {
  return {"sweeps/smoke.toml",         "sweeps/paper-burgers.toml", "sweeps/paper-gkdv.toml",
          "sweeps/beyond-ks.toml",     "sweeps/illusion-burgers.toml", "sweeps/advdiff.toml",
          "sweeps/allen-cahn.toml",    "sweeps/kdv.toml",           "tests/fixtures/canonical/axes.in.toml",
          "tests/fixtures/canonical/one-shot.in.toml"};
}

// Compares `text` with the fixture tests/fixtures/canonical/NAME; NPDESWEEP_WRITE_CANONICAL=1
// writes the fixture instead (done once, before the registry replaced the hand-written writers).
void check_fixture(const std::string& name, const std::string& text) {
  const std::string path = source("tests/fixtures/canonical/" + name);
  if (std::getenv("NPDESWEEP_WRITE_CANONICAL")) {
    std::ofstream(path) << text;
    return;
  }
  std::ifstream in(path);
  REQUIRE(in);
  const std::string expected(std::istreambuf_iterator<char>(in), {});
  INFO(path);
  CHECK(text == expected);
}

}  // namespace

TEST_CASE("The canonical texts are the ones every content hash was made from", "[job_keys]") {
  for (const auto& [name, spec] : specs()) {
    check_fixture(name + ".job.toml", canonical_toml(spec));
    check_fixture(name + ".fields.toml", canonical_toml(spec, /*state_fields=*/true));
    check_fixture(name + ".truth.toml", canonical_truth_toml(spec));
  }
  for (const std::string& sweep : sweeps()) {
    const std::string name = sweep.substr(sweep.rfind('/') + 1);
    const SweepSpec s = read_sweep_file(source(sweep));
    check_fixture(name.substr(0, name.size() - 5) + ".sweep.toml", canonical_sweep_toml(s));
    std::string hashes;
    for (const GridCell& c : enumerate_cells(s)) hashes += c.hash + "\n";
    check_fixture(name.substr(0, name.size() - 5) + ".hashes", hashes);
  }
}

TEST_CASE("A key's value is what the canonical text writes for it", "[job_keys]") {
  for (const auto& [name, spec] : specs()) {
    INFO(name);
    const toml::table text = toml::parse(canonical_toml(spec));
    for (const KeySetting& s : key_settings(spec)) {
      const size_t dot = s.key.find('.');
      const toml::node* n = text[s.key.substr(0, dot)][s.key.substr(dot + 1)].node();
      REQUIRE(n);
      // (tables and arrays compared as values: toml++ orders a table's keys)
      const toml::table back = toml::parse("v = " + s.value.text);
      CHECK(canonical_value(*n) == canonical_value(*back.get("v")));
      if (s.value.type != KeyValue::Type::other) CHECK(canonical_value(*n) == s.value.text);
      CHECK(key_value(spec, s.key)->text == s.value.text);
      if (s.value.type == KeyValue::Type::integer) CHECK(n->value<std::int64_t>() == s.value.integer);
      if (s.value.type == KeyValue::Type::number) CHECK(n->value<double>() == s.value.number);
      if (s.value.type == KeyValue::Type::string) CHECK(n->value<std::string>() == s.value.string);
    }
  }
  const ExperimentSpec mlp = read_job_file(source("jobs/burgers-expt1.toml"), FieldsKept::none);
  CHECK_FALSE(key_value(mlp, "network.kind"));  // written only for a CNN
  CHECK_FALSE(key_value(mlp, "no.such_key"));
}

TEST_CASE("Every key the registry offers a sweep axis is one the sweep reader takes", "[job_keys]") {
  // A one-value axis of each key at the base's own value (or, for keys the base leaves out, a
  // value the key allows), in the smoke sweep; the reader must accept every one.
  const std::string smoke = testing::read_text("sweeps/smoke.toml");
  const SweepSpec base = read_sweep_file(source("sweeps/smoke.toml"));
  const std::map<std::string, std::string> absent = {{"network.kind", "\"mlp\""},
                                                     {"network.channels", "[4]"},
                                                     {"network.kernel", "3"},
                                                     {"training.loss", "\"final\""},
                                                     {"integrator.truth_map", "\"rk4\""},
                                                     {"integrator.truth_correction", "\"none\""},
                                                     {"analysis.pseudospectra", "\"rays\""},
                                                     {"experiment.seed", "3"}};
  const std::vector<std::string> keys = dotted_axis_keys(base.base);
  CHECK(keys.front() == "experiment.seed");
  CHECK(std::find(keys.begin(), keys.end(), "pde.viscosity") != keys.end());  // the case's own parameter
  for (const std::string& key : keys) {
    INFO(key);
    if (key == "training.loss") continue;  // one-shot training only: an axis of one-shot.in.toml above
    std::string value;
    if (auto it = absent.find(key); it != absent.end())
      value = it->second;
    else if (auto v = key_value(base.base, key))
      value = v->text;
    REQUIRE_FALSE(value.empty());
    std::string text = smoke;
    // the key leaves its section (a key is an axis or a value, not both) and becomes an axis
    const std::string name = key.substr(key.find('.') + 1);
    const size_t line = text.find("\n" + name + " = ");
    if (line != std::string::npos) text.erase(line, text.find('\n', line + 1) - line);
    text += "\"" + key + "\" = [" + value + "]\n";
    const std::string path = "/tmp/npdesweep_test_axis_" + std::to_string(getpid()) + ".toml";
    std::ofstream(path) << text;
    CHECK_NOTHROW(read_sweep_file(path));
    std::remove(path.c_str());
  }
}

TEST_CASE("docs/job-file.md's key table is the registry's", "[job_keys][docs]") {
  // NPDESWEEP_WRITE_DOCS=1 writes the registry's table into the page (the table from its header
  // row to its last row), which is how the table is made.
  const std::string doc = testing::read_text("docs/job-file.md");
  const std::string table = job_key_table();
  if (std::getenv("NPDESWEEP_WRITE_DOCS")) {
    const size_t begin = doc.find("| key | type | default | meaning |");
    REQUIRE(begin != std::string::npos);
    size_t end = begin;
    while (end < doc.size() && doc[end] == '|') end = doc.find('\n', end) + 1;
    std::ofstream(source("docs/job-file.md")) << doc.substr(0, begin) + table + doc.substr(end);
    return;
  }
  INFO("the table docs/job-file.md should hold (NPDESWEEP_WRITE_DOCS=1 writes it):\n" << table);
  CHECK(doc.find(table) != std::string::npos);
}

TEST_CASE("A key's declared default is the job reader's, and a key hashed only away from it is left out there",
          "[job_keys]") {
  // A job of only the keys without a default: every other setting is the reader's default.
  const ExperimentSpec defaults = read_job_text(R"([experiment]
name = "minimal"
[pde]
case = "burgers"
resolution = 16
length = "2*pi"
dt = 0.01
steps = 4
viscosity = 0.03
[stencils]
train = "central2"
infer = "central2"
[initial_conditions]
train = { kind = "step", amplitude = 2.0 }
test = [ { kind = "step", amplitude = 2.0 } ]
[network]
[training]
mode = "autoregressive"
epochs = 1
)",
                                                "minimal.toml");
  CanonicalContext every_kind;
  every_kind.every_network_kind = true;
  for (const JobKey& k : job_keys()) {
    INFO(k.key);
    if (k.omitted_at_default_since > 0) {
      REQUIRE(std::string(k.default_value) != "");
      CHECK_FALSE(k.value(defaults, {}));
    }
    if (std::string(k.default_value).empty() || k.omitted_at_default_since > 0) continue;
    const std::optional<KeyValue> v = k.value(defaults, every_kind);
    REQUIRE(v);
    const toml::table a = toml::parse("v = " + v->text), b = toml::parse(std::string("v = ") + k.default_value);
    CHECK(canonical_value(*a.get("v")) == canonical_value(*b.get("v")));
  }
}
