#pragma once
// How an experiment (a grid cell) ended. The numbers are the store's /status/code values and the
// names what result files, shards, the journal and the readers' status key write; both are
// defined only here (code elsewhere converts with these functions, never spells a name), and
// `npdesweep schema` exports them for readers in other languages.
#include <stdexcept>
#include <string>

namespace npde {

enum class CellStatus : int { pending = 0, done = 1, failed = 2, diverged = 3 };

inline const char* status_name(CellStatus s) {
  switch (s) {
    case CellStatus::done: return "done";
    case CellStatus::diverged: return "diverged";
    case CellStatus::failed: return "failed";
    default: return "pending";
  }
}

// A store's /status/code value: 1 done, 2 failed, 3 diverged; anything else (0, or a damaged
// value) is pending, as `run` treats a cell the file does not show finished.
inline CellStatus status_from_code(int code) {
  return code == 1 ? CellStatus::done : code == 2 ? CellStatus::failed : code == 3 ? CellStatus::diverged : CellStatus::pending;
}

// done, diverged or failed: the statuses a finished experiment records. Anything else throws:
// a damaged status must not read as pending, or the cell would rerun forever instead of being
// reported (shard readers treat this like any other unreadable shard).
inline CellStatus status_from_name(const std::string& name) {
  for (CellStatus s : {CellStatus::done, CellStatus::diverged, CellStatus::failed})
    if (name == status_name(s)) return s;
  throw std::runtime_error("unknown cell status '" + name + "' (expected done, diverged or failed)");
}

}  // namespace npde
