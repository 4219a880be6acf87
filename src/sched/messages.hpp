#pragma once
// What master and workers say to each other.
//   worker -> master, kTagReport: a report (the first one, with id -1, only asks for work)
//   master -> worker, kTagAssign: the next cell id, kStop, or kStopAfterNotice
//   master -> worker, kTagDrain:  the drain notice (no payload), sent once to every worker still
//                                 running when the sweep starts draining; workers poll for it
//                                 while they compute. A worker told kStopAfterNotice receives
//                                 the notice before it leaves, if it has not already.
// No message carries a clock reading: ranks on different nodes share no clock.
#include <string>

#include <boost/serialization/string.hpp>

namespace npde::sched {

constexpr int kTagReport = 1;
constexpr int kTagAssign = 2;
constexpr int kTagDrain = 3;
constexpr long kStop = -1;
constexpr long kStopAfterNotice = -3;

// Report statuses beyond CellStatus: the worker abandoned the cell (drain deadline passed), or
// the cell was computed but its result could not be stored (shard or row write failed: a full
// or failing file system). Neither is committed; the cell stays pending and runs on resume.
constexpr int kCancelled = -2;
constexpr int kStoreError = -4;

struct Report {
  long id = -1;     // cell id, -1 for "ready"
  int status = 0;   // CellStatus, or kCancelled or kStoreError
  std::string message;
  double compute_seconds = 0;  // running the experiment
  double store_seconds = 0;    // writing its shard and row
  bool signalled = false;      // this worker received a drain signal (the sweep must drain)
  // The truth cache during this cell: entries used, computed and kept, found damaged.
  long truth_found = 0, truth_kept = 0, truth_damaged = 0;

  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& id& status& message& compute_seconds& store_seconds& signalled& truth_found& truth_kept& truth_damaged;
  }
};

}  // namespace npde::sched
