// Job files: the paper's jobs parse to the paper's parameters, canonical text round-trips, and
// every kind of bad input names the file, the line and the key.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <unistd.h>

#include "model/mlp.hpp"
#include "pipeline/cost_model.hpp"
#include "input/canonical.hpp"
#include "input/job_file.hpp"
#include "input/sweep_file.hpp"

using namespace npde;

namespace {

std::string job(const std::string& name) { return std::string(NPDESWEEP_SOURCE_DIR) + "/jobs/" + name + ".toml"; }

std::string write_temp(const std::string& text) {
  static int counter = 0;
  const std::string path = "/tmp/npdesweep_test_job_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + ".toml";
  std::ofstream(path) << text;
  return path;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Replaces the first occurrence of `from` in the Burgers Expt 1 job and expects an InputError
// at `line` naming `key`.
void expect_error(const std::string& from, const std::string& to, long line, const std::string& key,
                  const std::string& fragment) {
  std::string text = read_text(job("burgers-expt1"));
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  const std::string path = write_temp(text);
  INFO("replacing '" << from << "' with '" << to << "'");
  try {
    read_job_file(path);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.file() == path);
    CHECK(e.line() == line);
    CHECK(e.key() == key);
    CHECK_THAT(e.what(), Catch::Contains(fragment));
    CHECK_THAT(e.what(), Catch::StartsWith(path + ":" + std::to_string(line) + ": " + key + ": "));
  }
  std::remove(path.c_str());
}

}  // namespace

TEST_CASE("The paper's job files hold the paper's parameters", "[spec]") {
  const ExperimentSpec b1 = read_job_file(job("burgers-expt1"));
  CHECK(b1.pde.name == "burgers");
  CHECK(b1.pde.resolution == 100);
  CHECK(b1.pde.length == Approx(2 * M_PI).epsilon(1e-15));
  CHECK(b1.pde.parameter("viscosity") == 0.03);
  CHECK(b1.steps == 50);
  CHECK(b1.train_stencil == "backward1");
  CHECK(b1.infer_stencil == "backward1");
  CHECK(b1.network().parameter_count() == 4540);
  CHECK(b1.training.epochs == 1000);
  CHECK(b1.integrator.substeps == 10);
  CHECK(b1.jacobian_states == std::vector<int>{1, 11, 16, 26, 36, 46});
  CHECK(read_job_file(job("burgers-expt2")).infer_stencil == "central6");

  const ExperimentSpec g1 = read_job_file(job("gkdv-expt1"));
  CHECK(g1.pde.resolution == 256);
  CHECK(g1.pde.length == Approx(5 * M_PI).epsilon(1e-15));
  CHECK(g1.pde.parameter("rotation") == 0.5);
  CHECK(g1.one_shot());
  CHECK(g1.training.epochs == 10000);
  CHECK(g1.test_ics.size() == 7);
  CHECK(g1.network().parameter_count() == 11356);
  CHECK(read_job_file(job("gkdv-expt2")).infer_stencil == "central6");
}

TEST_CASE("Canonical text reads back to the same spec and hash", "[spec]") {
  for (const char* name : {"burgers-expt1", "burgers-expt2", "gkdv-expt1", "gkdv-expt2"}) {
    const ExperimentSpec spec = read_job_file(job(name));
    const std::string text = canonical_toml(spec);
    const std::string path = write_temp(text);
    const ExperimentSpec again = read_job_file(path);
    std::remove(path.c_str());
    INFO(name);
    CHECK(canonical_toml(again) == text);
    CHECK(content_hash(canonical_toml(again)) == content_hash(text));
  }
  CHECK(content_hash(canonical_toml(read_job_file(job("burgers-expt1")))) !=
        content_hash(canonical_toml(read_job_file(job("burgers-expt2")))));
}

// The text people see: shortest round-trip floats, the same spec and hash; strings, integers,
// comments and keys untouched.
TEST_CASE("readable_toml: shortest floats, same spec and hash", "[spec]") {
  for (const char* name : {"burgers-expt1", "burgers-expt2", "gkdv-expt1", "gkdv-expt2"}) {
    const std::string text = canonical_toml(read_job_file(job(name)));
    const std::string readable = readable_toml(text);
    INFO(name << "\n" << readable);
    CHECK(readable.find("0000000") == std::string::npos);
    CHECK(readable.find("9999999") == std::string::npos);
    const std::string path = write_temp(readable);
    const ExperimentSpec again = read_job_file(path);
    std::remove(path.c_str());
    CHECK(canonical_toml(again) == text);
  }
  CHECK(readable_toml("viscosity = 0.029999999999999999\n") == "viscosity = 0.03\n");
  CHECK(readable_toml("a = [1.0, 2.5000000000000001e-05, -1e+20, 3]\n") == "a = [1.0, 2.5e-05, -1e+20, 3]\n");
  CHECK(readable_toml("x = { amplitude = 4.0000000000000000, kind = \"0.10000000000000001\" }\n") ==
        "x = { amplitude = 4.0, kind = \"0.10000000000000001\" }\n");
  CHECK(readable_toml("seed = 6527728882149440490 # 0.29999999999999999\nv = inf\n") ==
        "seed = 6527728882149440490 # 0.29999999999999999\nv = inf\n");
}

// analysis.pseudospectra is part of the job only when "global": every job before it keeps its
// text and hash; a global one hashes differently, reads back to itself, also when one-shot; an
// unknown value is refused naming the key and the values.
TEST_CASE("analysis.pseudospectra: canonical text and hashes", "[spec][pseudospectra]") {
  const ExperimentSpec plain = read_job_file(job("burgers-expt1"));
  CHECK(plain.pseudospectra == PseudospectralSearch::rays);
  CHECK(canonical_toml(plain).find("pseudospectra") == std::string::npos);
  for (const char* name : {"burgers-expt1", "gkdv-expt1"}) {
    ExperimentSpec global = read_job_file(job(name));
    global.pseudospectra = PseudospectralSearch::global;
    const std::string text = canonical_toml(global);
    INFO(text);
    CHECK(text.find("pseudospectra = \"global\"\n") != std::string::npos);
    CHECK(content_hash(text) != content_hash(canonical_toml(read_job_file(job(name)))));
    const ExperimentSpec back = read_job_text(text, "canonical");
    CHECK(back.pseudospectra == PseudospectralSearch::global);
    CHECK(canonical_toml(back) == text);
  }
  std::string text = canonical_toml(plain);
  text.replace(text.find("jacobian_states"), 0, "pseudospectra = \"exact\"\n");
  const std::string path = write_temp(text);
  try {
    read_job_file(path);
    FAIL("an unknown pseudospectra value was accepted");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("analysis.pseudospectra") != std::string::npos);
    CHECK(std::string(e.what()).find("global") != std::string::npos);
  }
  std::remove(path.c_str());
}

// analysis.fields is part of the job only when it keeps fields: every job before it keeps its
// text and hash, a job that keeps fields hashes differently, and a job file for run-one states it
// even at none (run-one's default is all), reading back to the same hash.
TEST_CASE("analysis.fields: canonical text, hashes and run-one's default", "[spec][fields]") {
  const ExperimentSpec plain = read_job_file(job("burgers-expt1"));
  CHECK(plain.fields == FieldsKept::none);
  CHECK(read_job_file(job("burgers-expt1"), FieldsKept::all).fields == FieldsKept::all);
  CHECK(canonical_toml(plain).find("fields") == std::string::npos);
  const std::string stated = canonical_toml(plain, true);
  CHECK(stated.find("jacobian_states = [1, 11, 16, 26, 36, 46]\nfields = \"none\"\n") != std::string::npos);
  const std::string path = write_temp(stated);
  const ExperimentSpec back = read_job_file(path, FieldsKept::all);  // as run-one reads it
  std::remove(path.c_str());
  CHECK(back.fields == FieldsKept::none);
  CHECK(content_hash(canonical_toml(back)) == content_hash(canonical_toml(plain)));
  for (FieldsKept kept : {FieldsKept::rollouts, FieldsKept::all}) {
    ExperimentSpec s = plain;
    s.fields = kept;
    const std::string text = canonical_toml(s);
    INFO(text);
    CHECK(text.find(std::string("fields = \"") + name_of(kept) + "\"") != std::string::npos);
    CHECK(content_hash(text) != content_hash(canonical_toml(plain)));
    CHECK(canonical_toml(read_job_text(text, "canonical")) == text);
  }
  // A one-shot job has no jacobian_states but can keep fields: its [analysis] holds fields alone.
  ExperimentSpec one_shot = read_job_file(job("gkdv-expt1"));
  REQUIRE(one_shot.one_shot());
  one_shot.fields = FieldsKept::rollouts;
  const std::string text = canonical_toml(one_shot);
  CHECK(text.find("[analysis]\nfields = \"rollouts\"\n") != std::string::npos);
  CHECK(read_job_text(text, "canonical").fields == FieldsKept::rollouts);
  expect_error("jacobian_states = [1, 11, 16, 26, 36, 46]", "jacobian_states = [1]\nfields = \"some\"", 44,
               "analysis.fields", "'some'");
}

TEST_CASE("Bad job files name the file, line and key", "[spec][errors]") {
  // Line numbers refer to jobs/burgers-expt1.toml.
  expect_error("infer = \"backward1\"", "infer = \"centrall6\"", 18, "stencils.infer", "unknown stencil 'centrall6'");
  expect_error("viscosity = 0.03", "viscosity = -0.03", 13, "pde.viscosity", "positive");
  expect_error("dt = 0.01 ", "dt = 0.0 ", 11, "pde.dt", "positive");
  expect_error("resolution = 100", "resolution = 4", 9, "pde.resolution", "smaller than the 7 points");
  expect_error("steps = 50", "stepz = 50", 12, "pde.stepz", "unknown key");
  expect_error("epochs = 1000", "epochs = \"many\"", 29, "training.epochs", "must be an integer");
  expect_error("jacobian_states = [1, 11, 16, 26, 36, 46]", "jacobian_states = [1, 50]", 43,
               "analysis.jacobian_states", "outside 0..49");
  expect_error("substeps = 10 ", "substeps = 0 ", 35, "integrator.substeps", "\"auto\" or an integer");
  expect_error("hidden = [20, 20]", "hidden = [20, 0]", 25, "network.hidden", "hidden widths");
  expect_error("case = \"burgers\"", "case = \"heat\"", 8, "pde.case", "unknown case 'heat'; built-in cases: ");
}

TEST_CASE("Syntax errors and unreadable files are input errors too", "[spec][errors]") {
  const std::string path = write_temp("[pde]\ncase = \"burgers\nresolution = 100\n");
  try {
    read_job_file(path);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.line() == 2);
    CHECK_THAT(e.what(), Catch::Contains("TOML syntax error"));
  }
  std::remove(path.c_str());
  CHECK_THROWS_WITH(read_job_file("/nonexistent/job.toml"), Catch::Contains("cannot read the file"));
}

// The memory check is about the machine that will run a job, not about the job: a job or sweep
// file to run here must fit in half of this machine's memory, and text read back from a result
// file or store (made on a larger node, say) reads anywhere (issue "One declaration per setting":
// every store read validated its cells against the reading machine's RAM).
TEST_CASE("Memory is checked for files to run, not for stored text", "[spec][errors]") {
  std::string text = read_text(job("burgers-expt1"));
  const size_t at = text.find("epochs = 1000");
  REQUIRE(at != std::string::npos);
  text.replace(at, 13, "epochs = 1000000000");  // a loss history of 2e9 doubles: 16 GB
  const std::string path = write_temp(text);
  const ExperimentSpec spec = read_job_text(text, "stored job_toml");  // never refused for memory
  CHECK(spec.training.epochs == 1000000000);
  const ExperimentSpec again = read_job_text(canonical_toml(spec), "stored canonical text");
  CHECK(content_hash(canonical_toml(again)) == content_hash(canonical_toml(spec)));
  if (experiment_memory(spec).bytes > 0.5 * machine_memory_bytes() && machine_memory_bytes() > 0) {
    try {
      read_job_file(path);
      FAIL("a job needing more than half of this machine's memory was accepted");
    } catch (const InputError& e) {
      CHECK(e.key() == "training.epochs");
      CHECK_THAT(e.what(), Catch::Contains("GB of memory"));
    }
  } else {
    WARN("this machine has more than twice the 16 GB: the refusal of the file is not exercised");
  }
  std::remove(path.c_str());

  // the same for a sweep: its file is refused, a store's copy of its text reads
  std::string sweep = read_text(std::string(NPDESWEEP_SOURCE_DIR) + "/sweeps/smoke.toml");
  const size_t e = sweep.find("epochs = 40");
  REQUIRE(e != std::string::npos);
  sweep.replace(e, 11, "epochs = 1000000000");
  const std::string sweep_path = write_temp(sweep);
  const SweepSpec stored = read_sweep_text(sweep, "store.h5:/sweep_toml");
  CHECK(stored.base.training.epochs == 1000000000);
  if (experiment_memory(stored.base).bytes > 0.5 * machine_memory_bytes() && machine_memory_bytes() > 0)
    CHECK_THROWS_AS(read_sweep_file(sweep_path), InputError);
  std::remove(sweep_path.c_str());
}
