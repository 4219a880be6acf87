#include "sched/dispatch_queue.hpp"

#include <algorithm>
#include <map>

#include "input/canonical.hpp"

namespace npde::sched {

std::string truth_group_text(const ExperimentSpec& spec) {
  std::string text = canonical_truth_toml(spec) + "ic = " + initial_condition_toml(spec.train_ic) + "\n";
  for (const InitialCondition& ic : spec.test_ics) text += "test = " + initial_condition_toml(ic) + "\n";
  return text + "truth_map = " + spec.integrator.truth_map.name() + "\n";
}

TruthAwareQueue::TruthAwareQueue(const std::vector<GridCell>& cells, const std::vector<long>& pending, bool truth_cache)
    : pending_(pending), sent_(pending.size(), false) {
  if (!truth_cache) return;
  std::map<std::string, int> ids;
  for (long id : pending)
    group_of_[id] =
        ids.emplace(truth_group_text(cells[static_cast<size_t>(id)].spec), static_cast<int>(ids.size())).first->second;
  running_.assign(ids.size(), 0);
  warm_.assign(ids.size(), false);
}

long TruthAwareQueue::take() {
  size_t pick = head_;
  const size_t end = std::min(pending_.size(), head_ + kScan);
  for (size_t i = head_; i < end && !group_of_.empty(); ++i)
    if (!sent_[i] && free(pending_[i])) {
      pick = i;
      break;
    }
  sent_[pick] = true;
  ++sent_count_;
  while (head_ < pending_.size() && sent_[head_]) ++head_;
  const long id = pending_[pick];
  if (const auto g = group_of_.find(id); g != group_of_.end()) ++running_[static_cast<size_t>(g->second)];
  return id;
}

void TruthAwareQueue::finished(long id, bool kept) {
  const auto g = group_of_.find(id);
  if (g == group_of_.end()) return;
  --running_[static_cast<size_t>(g->second)];
  if (kept) warm_[static_cast<size_t>(g->second)] = true;
}

bool TruthAwareQueue::free(long id) const {
  const int g = group_of_.at(id);
  return warm_[static_cast<size_t>(g)] || running_[static_cast<size_t>(g)] == 0;
}

}  // namespace npde::sched
