// "No heap allocation inside the time-stepping loop": count operator new calls while a
// training loss and gradient is evaluated (after a first call has sized every buffer).
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

#include "model/pde_case.hpp"
#include "pipeline/initial_condition.hpp"
#include "pipeline/training.hpp"
#include "pipeline/truth.hpp"
#include "small_case.hpp"

namespace {
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  if (counting) ++allocations;
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
// The nothrow form too (Catch allocates with it), so that every block the replaced delete frees
// came from malloc (AddressSanitizer checks the pairing).
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  if (counting) ++allocations;
  return std::malloc(size ? size : 1);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using namespace npde;

TEST_CASE("Training loss evaluation allocates nothing after the first call", "[pipeline][allocation]") {
  for (ExperimentSpec spec : {testing::small_burgers(), testing::small_gkdv(),
                              testing::with_cnn(testing::small_burgers(), {8, 8}, 5)}) {
    spec.pde.resolution = 64;  // big enough that Eigen would use the heap for any temporary
    spec.hidden = {20, 20};
    NeuralRhs rhs(make_model_known_terms(spec.pde, spec.infer_stencil), spec.network());
    const Vector theta = rhs.network().glorot_uniform(1);
    const Vector u0 = sample_initial_condition(spec.train_ic, spec.pde.resolution, spec.pde.length);
    const Matrix truth =
        generate_truth(make_truth_terms(spec.pde, spec.train_stencil), u0, spec.dt, spec.steps, spec.integrator, 8)
            .states;
    UnrolledLoss loss(rhs, spec.dt, 8, spec.steps);
    Vector grad(theta.size()), final_state(u0.size()), input_grad(u0.size());
    loss.evaluate(theta, u0, spec.steps, 1, truth.middleCols(1, spec.steps), grad, &final_state, &input_grad);
    allocations = 0;
    counting = true;
    loss.evaluate(theta, u0, spec.steps, 1, truth.middleCols(1, spec.steps), grad, &final_state, &input_grad);
    counting = false;
    INFO(spec.name << ": " << allocations << " allocations");
    CHECK(allocations == 0);
  }
}

TEST_CASE("Exponential steppers allocate nothing in training, rollout steps or tangent steps", "[pipeline][allocation]") {
  for (ExperimentSpec spec : {testing::small_gkdv(), testing::with_cnn(testing::small_gkdv(), {8, 8}, 5)})
  for (const std::string& name : exponential_stepper_names()) {
    spec.pde.resolution = 64;
    spec.hidden = {20, 20};
    const SplitTerms split = split_for_stepper(make_model_known_terms(spec.pde, spec.infer_stencil), Stepper::named(name));
    REQUIRE(split.stepping.linear);  // gKdV's dispersion
    NeuralRhs rhs(split.stages, spec.network());
    const Vector theta = rhs.network().glorot_uniform(1);
    const Vector u0 = sample_initial_condition(spec.train_ic, spec.pde.resolution, spec.pde.length);
    const Matrix targets = Matrix::Zero(spec.pde.resolution, spec.steps);
    UnrolledLoss loss(rhs, spec.dt, 2, spec.steps, split.stepping);
    Vector grad(theta.size());
    loss.evaluate(theta, u0, spec.steps, 1, targets, grad);
    TimeStepper tangent(split.stepping, spec.pde.resolution, spec.dt, spec.pde.resolution);
    Vector u = u0;
    Matrix U = Matrix::Identity(spec.pde.resolution, spec.pde.resolution);
    auto jvp = [&](const Vector& y, Vector& k, const Matrix& Y, Matrix& K) { rhs.tangent(y, k, Y, K); };
    tangent.tangent_step(jvp, u, U);
    allocations = 0;
    counting = true;
    loss.evaluate(theta, u0, spec.steps, 1, targets, grad);
    for (int i = 0; i < 3; ++i) tangent.tangent_step(jvp, u, U);
    counting = false;
    INFO(spec.name << " " << name << ": " << allocations << " allocations");
    CHECK(allocations == 0);
  }
}

TEST_CASE("At the paper's gKdV size, allocations do not grow with the number of steps", "[pipeline][allocation]") {
  // Eigen's matrix product for the parameter gradient (after the reverse pass, once per
  // evaluation) may take its packing buffers from the heap at this size; the time-stepping
  // loops themselves must not allocate, so the count must not depend on the step count.
  ExperimentSpec spec = testing::small_gkdv();
  spec.pde.resolution = 256;
  spec.hidden = {20, 20, 20};
  NeuralRhs rhs(make_model_known_terms(spec.pde, spec.infer_stencil), spec.network());
  const Vector theta = rhs.network().glorot_uniform(1);
  const Vector u0 = sample_initial_condition(spec.train_ic, spec.pde.resolution, spec.pde.length);
  const int max_steps = 100;
  const Matrix targets = Matrix::Zero(spec.pde.resolution, max_steps);
  UnrolledLoss loss(rhs, spec.dt, 8, max_steps);
  Vector grad(theta.size());
  auto count = [&](int steps) {
    loss.evaluate(theta, u0, steps, steps, targets.leftCols(steps), grad);
    allocations = 0;
    counting = true;
    loss.evaluate(theta, u0, steps, steps, targets.leftCols(steps), grad);
    counting = false;
    return allocations.load();
  };
  const long few = count(1), many = count(max_steps);
  INFO("1 step: " << few << " allocations, 100 steps: " << many);
  CHECK(many == few);
  CHECK(many <= 4);
}
