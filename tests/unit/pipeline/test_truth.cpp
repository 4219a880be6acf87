// Truth data against the reference numbers in docs/science.md (Burgers, training IC, accurate
// integration), and the substep rule against the failure docs/science.md describes.
#include <catch2/catch.hpp>

#include "model/pde_case.hpp"
#include "pipeline/initial_condition.hpp"
#include "pipeline/substeps.hpp"
#include "pipeline/truth.hpp"
#include "input/case_file.hpp"

using namespace npde;

namespace {

PdeSettings paper_burgers() { return builtin_pde("burgers", 100, 2 * M_PI, {0.03}, "central6"); }

}  // namespace

TEST_CASE("Burgers truth matches the reference values of docs/science.md to 1e-5", "[pipeline][truth]") {
  const PdeSettings pde = paper_burgers();
  const KnownTerms terms = make_truth_terms(pde, "backward1");
  const Vector u0 = sample_initial_condition({IcKind::step, 2.0, 0.0}, pde.resolution, pde.length);
  IntegratorSettings accurate;
  accurate.truth_rtol = 1e-11;
  accurate.truth_atol = 1e-13;
  const TruthTrajectory tr = generate_truth(terms, u0, 0.01, 50, accurate, 0);
  REQUIRE(tr.ok);
  const Vector u = tr.states.col(50);
  CHECK(u.maxCoeff() == Approx(2.000000).margin(1e-5));
  CHECK(u.minCoeff() == Approx(1.000000).margin(1e-5));
  CHECK(u.mean() == Approx(1.479603).margin(1e-5));
  CHECK(u.norm() == Approx(15.451987).margin(1e-5));
  const double first[6] = {1.007357, 1.014085, 1.025020, 1.041446, 1.064417, 1.094552};
  for (int j = 0; j < 6; ++j) CHECK(u[j] == Approx(first[j]).margin(1e-5));
}

TEST_CASE("Fixed RK4 truth converges to the adaptive truth", "[pipeline][truth]") {
  const PdeSettings pde = paper_burgers();
  const KnownTerms terms = make_truth_terms(pde, "backward1");
  const Vector u0 = sample_initial_condition({IcKind::step, 2.0, 0.0}, pde.resolution, pde.length);
  IntegratorSettings adaptive, rk4;
  rk4.truth = Stepper::named("rk4");
  const Matrix ref = generate_truth(terms, u0, 0.01, 10, adaptive, 0).states;
  const double e10 = (generate_truth(terms, u0, 0.01, 10, rk4, 10).states - ref).norm();
  const double e20 = (generate_truth(terms, u0, 0.01, 10, rk4, 20).states - ref).norm();
  CHECK(std::log2(e10 / e20) == Approx(4.0).margin(0.3));
}

TEST_CASE("The substep rule knows the amplitude-10 Burgers truth needs more than one step", "[pipeline][substeps]") {
  // docs/science.md: one RK4 step of 0.01 blows up the amplitude-10 truth; the rule must not pick 1.
  const PdeSettings pde = paper_burgers();
  const KnownTerms terms = make_truth_terms(pde, "backward1");
  const Vector u0 = sample_initial_condition({IcKind::step, 10.0, 0.0}, pde.resolution, pde.length);
  const int sub = stable_substeps(terms, u0, 0.01);
  CHECK(sub > 1);
  IntegratorSettings rk4;
  rk4.truth = Stepper::named("rk4");
  CHECK_FALSE(generate_truth(terms, u0, 0.01, 50, rk4, 1).ok);
  const TruthTrajectory tr = generate_truth(terms, u0, 0.01, 50, rk4, sub);
  CHECK(tr.ok);
  // bounded: only the central6 diffusion stencil overshoots slightly at the step
  CHECK(tr.states.cwiseAbs().maxCoeff() <= 10.1);
}
