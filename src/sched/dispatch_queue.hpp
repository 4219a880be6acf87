#pragma once
// The order in which the master hands out cells.
//
// Cells that share truth (store/truth_cache.hpp) should not compute it twice at once. The
// master keeps each cell's truth group (everything its truth trajectories and truth-map spectra
// depend on) and hands a free worker the first pending cell whose group is not being computed
// by another worker, or whose truth some finished cell has kept already; only when every
// pending cell's group is busy does it hand out the next cell anyway (an idle worker would cost
// more than a second computation of the truth). It needs no clock and no lock: on a node that
// vanishes, the master re-queues nothing it would not anyway, and later cells find the cache.
#include <string>
#include <unordered_map>
#include <vector>

#include "input/sweep_file.hpp"

namespace npde::sched {

// What a cell's truth trajectories and truth-map spectra depend on (the truth cache's keys
// start with it): cells with equal text share their truth.
std::string truth_group_text(const ExperimentSpec& spec);

class TruthAwareQueue {
 public:
  // `pending`: the cell ids to run, in order. Without the truth cache, plain order.
  TruthAwareQueue(const std::vector<GridCell>& cells, const std::vector<long>& pending, bool truth_cache);

  bool empty() const { return head_ == pending_.size(); }
  size_t unsent() const { return pending_.size() - sent_count_; }
  // The next cell to hand out (not empty()).
  long take();
  // A worker reported on cell `id`; `kept` when its truth is in the cache now (it ran to its end).
  void finished(long id, bool kept);

 private:
  static constexpr size_t kScan = 4096;  // a bounded scan keeps hand-out O(1) per cell
  bool free(long id) const;

  std::vector<long> pending_;
  std::vector<bool> sent_;
  size_t head_ = 0, sent_count_ = 0;
  std::unordered_map<long, int> group_of_;
  std::vector<int> running_;
  std::vector<bool> warm_;
};

}  // namespace npde::sched
