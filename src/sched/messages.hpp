#pragma once
// What master and workers say to each other. Worker -> master: a report (the first one, with
// id -1, only asks for work). Master -> worker: the next cell id, or kStop.
#include <string>

#include <boost/serialization/string.hpp>

namespace npde::sched {

constexpr int kTagReport = 1;
constexpr int kTagAssign = 2;
constexpr long kStop = -1;

// Report status beyond CellStatus: the worker abandoned the cell (drain deadline passed).
constexpr int kCancelled = -2;

struct Report {
  long id = -1;     // cell id, -1 for "ready"
  int status = 0;   // CellStatus, or kCancelled
  std::string message;
  double compute_seconds = 0;  // running the experiment
  double store_seconds = 0;    // writing its shard and row

  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& id& status& message& compute_seconds& store_seconds;
  }
};

}  // namespace npde::sched
