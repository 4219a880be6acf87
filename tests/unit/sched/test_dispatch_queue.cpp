// The master's hand-out order: cells that share truth are not started together while other
// cells can run (docs/store.md, "Truth cache").
#include <catch2/catch.hpp>

#include "../pipeline/small_case.hpp"
#include "sched/dispatch_queue.hpp"

using namespace npde;
using npde::sched::TruthAwareQueue;

namespace {

// Cells 0, 1 train on central2 (one truth group), cells 2, 3 on central4 (another); within a
// group only the inference stencil differs, which the truth does not depend on.
std::vector<GridCell> two_groups() {
  std::vector<GridCell> cells;
  for (const char* train : {"central2", "central4"})
    for (const char* infer : {"central2", "central6"}) {
      GridCell c;
      c.id = static_cast<long>(cells.size());
      c.spec = testing::small_burgers();
      c.spec.train_stencil = train;
      c.spec.infer_stencil = infer;
      cells.push_back(c);
    }
  return cells;
}

}  // namespace

TEST_CASE("Truth groups: the inference stencil and seed do not matter, the training stencil and ICs do", "[sched]") {
  const auto cells = two_groups();
  using sched::truth_group_text;
  CHECK(truth_group_text(cells[0].spec) == truth_group_text(cells[1].spec));
  CHECK(truth_group_text(cells[0].spec) != truth_group_text(cells[2].spec));
  ExperimentSpec other = cells[0].spec;
  other.seed = 99;
  CHECK(truth_group_text(other) == truth_group_text(cells[0].spec));
  other.test_ics.pop_back();
  CHECK(truth_group_text(other) != truth_group_text(cells[0].spec));
}

TEST_CASE("The dispatch queue starts one cell per truth group while other groups wait", "[sched]") {
  const auto cells = two_groups();
  const std::vector<long> pending{0, 1, 2, 3};
  SECTION("without the truth cache: plain order") {
    TruthAwareQueue q(cells, pending, false);
    for (long id : pending) CHECK(q.take() == id);
    CHECK(q.empty());
  }
  SECTION("two workers: the second takes the other group; when every group is busy, the next cell anyway") {
    TruthAwareQueue q(cells, pending, true);
    CHECK(q.take() == 0);
    CHECK(q.take() == 2);  // cell 1 shares cell 0's truth, which is being computed
    CHECK(q.take() == 1);  // both groups busy: an idle worker costs more than a second computation
    CHECK(q.unsent() == 1);
    CHECK(q.take() == 3);
    CHECK(q.empty());
  }
  SECTION("a finished cell's group is free for everyone (its truth is kept)") {
    TruthAwareQueue q(cells, pending, true);
    CHECK(q.take() == 0);
    CHECK(q.take() == 2);
    q.finished(0, true);
    CHECK(q.take() == 1);
    CHECK(q.take() == 3);
  }
  SECTION("an abandoned cell frees its group without warming it") {
    TruthAwareQueue q(cells, pending, true);
    CHECK(q.take() == 0);
    q.finished(0, false);
    CHECK(q.take() == 1);  // no one computes group 0 now
    CHECK(q.take() == 2);
  }
}
