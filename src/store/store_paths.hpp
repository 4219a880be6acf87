#pragma once
// Where a store keeps what: the HDF5 file and its sidecar directory FILE.h5.d/ (journal, lock,
// shards, the sweep texts), the mark a rebuild of the file leaves for readers, and whether a
// shard is the one its cell names. Apart from
// the store itself (sweep_store.hpp) so that the readers, the resume logic and the store's own
// cell list use the paths without depending on the writer.
#include <string>
#include <utility>
#include <vector>

#include <hdf5.h>

namespace npde {

struct StorePaths {
  std::string file, sidecar, journal, lock, shards, sweep_toml, history;
  std::string rebuilding;  // FILE.h5.d/rebuilding: present while a run or repair rebuilds the file
  explicit StorePaths(const std::string& store_file);  // `file` is store_file with its links resolved
  std::string shard(long id, const std::string& hash) const;
  std::string history_entry(int n) const;  // history/<n>.toml: the n-th sweep run on the store
};

// A run rebuilding a store's file (growth, a layout upgrade, a damaged file) or `repair` marks it
// from before the old file is moved aside until every finished row is back, so that readers wait
// instead of meeting a missing, half-made or not yet restored file. The mark names host and pid.
void mark_rebuilding(const StorePaths& paths);
void unmark_rebuilding(const StorePaths& paths);
// Readers: waits while the mark exists, up to `seconds` (none when it names a process of this
// host that is gone: a rebuild cut short). Returns "" once there is no mark, else what it says.
std::string wait_while_rebuilding(const StorePaths& paths, double seconds);
// The rebuilding mark when the process that wrote it, on this host, is gone (the rebuild was cut
// short: `repair` or `run` finishes it), else "".
std::string cut_short_rebuild(const StorePaths& paths);

// The cells among `ids` (with their content hashes) whose shard file is not in the store's
// shards directory: one listing of the directory, not a stat per cell.
std::vector<long> cells_without_shard(const StorePaths& paths, const std::vector<std::pair<long, std::string>>& ids);

// Why the shard at `path` cannot stand for the cell with content hash `hash`: empty if it can
// (an HDF5 file that opens, names that hash, a finished status and a schema version this
// npdesweep knows), else the reason.
std::string shard_problem(const std::string& path, const std::string& hash);
// The same checks on a shard already open (`path` names it in the reason); throws what the
// reads throw.
std::string shard_identity_problem(hid_t shard, const std::string& path, const std::string& hash);

}  // namespace npde
