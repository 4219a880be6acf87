#include "store/resume.hpp"

#include <sys/statvfs.h>

#include <cstdlib>
#include <algorithm>
#include <set>

#include "input/canonical.hpp"
#include "input/input_error.hpp"
#include "store/h5.hpp"
#include "store/posix_io.hpp"
#include "store/sweep_store.hpp"

namespace npde {

std::map<long, CellStatus> committed_cells(const std::vector<JournalRecord>& records, long cells,
                                           const std::function<std::string(long)>& hash_of, long* ignored) {
  std::map<long, CellStatus> committed;
  long others = 0;
  for (const JournalRecord& r : records)
    if (r.id >= 0 && r.id < cells && r.hash == hash_of(r.id))
      committed[r.id] = r.status;
    else
      ++others;
  if (ignored) *ignored = others;
  return committed;
}

std::map<long, CellStatus> committed_cells(const std::vector<JournalRecord>& records, const std::vector<GridCell>& cells) {
  return committed_cells(records, static_cast<long>(cells.size()), [&](long id) {
    return cells[static_cast<size_t>(id)].hash;
  });
}

void ResumePlan::rerun(long id) {
  pending.push_back(id);
  --finished_before;
  if (committed[id] == CellStatus::failed) --failed_before;
}

namespace {

std::string sweep_name_of(const std::string& canonical) {
  try {
    return toml::parse(canonical)["sweep"]["name"].value_or(std::string());
  } catch (const toml::parse_error&) {
    return "";
  }
}

}  // namespace

ResumePlan plan_resume(const StorePaths& paths, const std::string& sweep_name, const std::string& canonical_sweep,
                       const std::string& sweep_hash, const ResumeOptions& options) {
  const bool file_exists = posix::exists(paths.file), journal_exists = posix::exists(paths.journal);
  std::string journal_hash, file_hash;
  int file_schema = kSchemaVersion;
  bool file_damaged = false;
  if (journal_exists) {
    const std::string head = posix::read_file(paths.journal);
    journal_hash = head.substr(0, head.find('\n'));
    journal_hash = journal_hash.substr(journal_hash.rfind(' ') + 1);
  }
  if (file_exists) {
    try {
      const StoreIdentity identity = stored_identity(paths.file);
      file_hash = identity.sweep_hash;
      file_schema = identity.schema_version;
    } catch (const BadFileError& e) {
      if (!journal_exists) throw InputError(paths.file, 0, "--store", "exists but is not an npdesweep store");
      file_damaged = true;  // half-created or damaged: rebuilt from the journal and shards
    }
  }
  // The store's sweeps so far: a sweep of the same name grows the store; any of their hashes may
  // name the file and the journal (a growth cut short by a crash leaves them behind).
  std::vector<std::string> history = read_history(paths);
  const std::string store_name = history.empty() ? "" : sweep_name_of(history.back());
  std::set<std::string> related;
  if (store_name == sweep_name)
    for (const std::string& text : history) related.insert(content_hash(text));
  bool foreign = false;
  for (const auto& [what, hash] : {std::pair<std::string, std::string>{"the store file", file_hash},
                                   {"its journal " + paths.journal, journal_hash}}) {
    if (hash.empty() || hash == sweep_hash || related.count(hash)) continue;
    foreign = true;
    if (!options.force)
      throw InputError(paths.file, 0, "--store",
                       what + " was made from a different sweep (" +
                           (store_name.empty() ? "hash " + hash : "'" + store_name + "', hash " + hash) + "; this is '" +
                           sweep_name + "', hash " + sweep_hash +
                           "); a store grows only with a sweep of its own name: use another --store, or --force "
                           "to replace it");
  }
  // A layout: an older one is rebuilt, a newer one is not ours.
  const bool ours = !file_hash.empty() && !foreign;
  const bool outdated = ours && file_schema < kSchemaVersion;
  if (ours && file_schema > kSchemaVersion && !options.force)
    throw InputError(paths.file, 0, "--store",
                     "was written by a newer npdesweep (store schema " + std::to_string(file_schema) +
                         ", this one writes " + std::to_string(kSchemaVersion) +
                         "); resume it with that version, or --force to replace it");
  if (foreign) history.clear();  // --force: a new store
  // The store's view changes: the sweep is not the one run last (sweep.toml).
  const std::string last = posix::exists(paths.sweep_toml) ? posix::read_file(paths.sweep_toml) : "";
  const bool grown = !history.empty() && last != canonical_sweep;
  std::vector<std::string> next = history;
  if (std::find(next.begin(), next.end(), canonical_sweep) == next.end()) next.push_back(canonical_sweep);
  StoreCells cells = store_cells(next, canonical_sweep, paths.file);
  // A new store: will it fit? Checked before anything is written.
  if (!file_exists && options.check_space) {
    const double need = estimated_store_bytes(cells.cells);
    const std::string dir =
        paths.file.rfind('/') == std::string::npos ? "." : paths.file.substr(0, paths.file.rfind('/') + 1);
    struct statvfs fs {};
    if (::statvfs(dir.c_str(), &fs) == 0 && need > static_cast<double>(fs.f_bavail) * fs.f_frsize)
      throw InputError(paths.file, 0, "--store",
                       "the store needs at least " + std::to_string(static_cast<long long>(need / 1e6)) + " MB but " +
                           dir + " has " + std::to_string(static_cast<long long>(fs.f_bavail * fs.f_frsize / 1000000)) +
                           " MB free (npdesweep plan shows the estimate)");
  }

  ResumePlan plan;
  posix::make_directory(paths.sidecar);
  posix::make_directory(paths.shards);
  plan.lock = std::make_unique<StoreLock>(paths.lock);
  if (foreign) {  // --force: forget the other sweep's commits and history (its shards are ignored by hash)
    posix::remove(paths.journal);
    for (int n = 0; posix::exists(paths.history_entry(n)); ++n) posix::remove(paths.history_entry(n));
  }
  // Growth, durably and in this order: the history has the sweep, sweep.toml names it, then the
  // journal does; the file is rebuilt after the plan. A crash in between leaves hashes the
  // history relates (`run` and `repair` accept them and finish the move).
  if (grown) append_history(paths, history, canonical_sweep);
  posix::write_file_atomic(paths.sweep_toml, canonical_sweep);  // `repair` rebuilds from it
  if (!foreign && !journal_hash.empty() && journal_hash != sweep_hash) retarget_journal(paths.journal, sweep_hash);
  plan.history = std::move(next);
  plan.cells = std::move(cells);
  plan.grown = grown;
  plan.journal = std::make_unique<Journal>(paths.journal, sweep_hash);
  plan.committed = committed_cells(plan.journal->read(), plan.cells.cells);
  if (options.retry_failed)
    for (auto it = plan.committed.begin(); it != plan.committed.end();)
      it = it->second == CellStatus::failed && plan.cells.in_view[static_cast<size_t>(it->first)]
               ? plan.committed.erase(it)
               : std::next(it);
  for (long id : plan.cells.view)
    if (!plan.committed.count(id)) plan.pending.push_back(id);
  for (const auto& [id, status] : plan.committed) {
    plan.rewrite.push_back(id);
    if (!plan.cells.in_view[static_cast<size_t>(id)]) {
      ++plan.kept_outside;
      continue;
    }
    ++plan.finished_before;
    plan.failed_before += status == CellStatus::failed;
  }
  if (file_damaged)
    plan.notes.push_back(paths.file + " is damaged or was never completed; rebuilding it from the journal and shards");
  else if (outdated)
    plan.notes.push_back(paths.file + " has the layout of store schema " + std::to_string(file_schema) +
                         "; rebuilding it in schema " + std::to_string(kSchemaVersion) +
                         " from the journal and shards (finished cells are kept)");
  plan.create = !file_exists || file_damaged || file_hash != sweep_hash || outdated;  // the hash: growth or --force
  // A file being replaced by growth (or a layout upgrade) is moved aside: the new file copies
  // its rows in bulk instead of restoring each from its shard. (A previous file left by a run
  // that was killed is still a source; one no longer needed is removed.)
  const std::string previous = paths.sidecar + "/previous.h5";
  if (plan.create) mark_rebuilding(paths);  // readers wait until the run has restored every row
  if (plan.create && file_exists && !file_damaged && !foreign) posix::rename(paths.file, previous);
  if (foreign || !plan.create) posix::remove(previous);
  if (plan.create && posix::exists(previous)) plan.previous = previous;
  return plan;
}

}  // namespace npde
