#include "store/rerun_preview.hpp"

#include <algorithm>
#include <set>

#include "input/job_keys.hpp"
#include "input/input_error.hpp"
#include "store/journal.hpp"
#include "store/posix_io.hpp"
#include "store/resume.hpp"
#include "store/store_cells.hpp"

namespace npde {

namespace {

// A job's settings as "section.key" -> canonical value text (the key registry's).
std::map<std::string, std::string> settings_of(const ExperimentSpec& spec) {
  std::map<std::string, std::string> out;
  for (const KeySetting& s : key_settings(spec)) out[s.key] = s.value.text;
  return out;
}

// The keys whose values differ, as "key old -> new" (the cell's name aside).
std::vector<std::string> differences(const std::map<std::string, std::string>& before,
                                     const std::map<std::string, std::string>& after) {
  std::vector<std::string> out;
  std::set<std::string> keys;
  for (const auto& [k, v] : before) keys.insert(k);
  for (const auto& [k, v] : after) keys.insert(k);
  for (const std::string& k : keys) {
    const auto a = before.find(k), b = after.find(k);
    const std::string x = a == before.end() ? "(unset)" : a->second, y = b == after.end() ? "(unset)" : b->second;
    if (x != y) out.push_back(k + " " + x + " -> " + y);
  }
  return out;
}

std::string key_of(const std::string& difference) { return difference.substr(0, difference.find(' ')); }

}  // namespace

RerunPreview preview_rerun(const std::string& store, const SweepSpec& sweep, const std::vector<GridCell>& cells) {
  RerunPreview p;
  p.fate.assign(cells.size(), RerunFate::fresh);
  p.why.assign(cells.size(), "");
  const StorePaths paths(posix::resolve_link(store));
  const std::vector<std::string> history = read_history(paths);
  if (history.empty() || !posix::exists(paths.journal)) {
    p.fresh = static_cast<long>(cells.size());
    return p;
  }
  p.empty_store = false;
  const StoreCells known = store_cells(history, posix::read_file(paths.sweep_toml), store);
  if (known.current().name != sweep.name)
    throw InputError(store, 0, "--store",
                     "belongs to sweep '" + known.current().name + "', this is '" + sweep.name +
                         "': `run` would refuse it (a store grows only with a sweep of its own name)");
  const std::string text = posix::read_file(paths.journal);
  const std::string head = text.substr(0, text.find('\n'));
  const std::map<long, CellStatus> committed =
      committed_cells(parse_journal_text(text, paths.journal, head.substr(head.rfind(' ') + 1)), known.cells);
  std::map<std::string, CellStatus> by_hash;             // the store's committed cells
  std::map<std::string, std::vector<long>> finished_by_name;  // its finished cells by name
  for (const auto& [id, status] : committed) {
    const GridCell& c = known.cells[static_cast<size_t>(id)];
    by_hash[c.hash] = status;
    if (status != CellStatus::failed) finished_by_name[c.spec.name].push_back(id);
  }
  std::set<std::string> wanted;
  for (const GridCell& c : cells) wanted.insert(c.hash);
  for (size_t i = 0; i < cells.size(); ++i) {
    const std::string& hash = cells[i].hash;
    const auto it = by_hash.find(hash);
    if (it != by_hash.end()) {
      const bool failed = it->second == CellStatus::failed;
      p.fate[i] = failed ? RerunFate::failed : RerunFate::reuse;
      ++(failed ? p.failed : p.reuse);
      continue;
    }
    // Not finished under this job: did the store finish the same cell (its name: grid position
    // without the dotted axes) under another job that this sweep no longer has? The closest such
    // job says what changed. A finished cell the sweep still has (a grown axis such as a new
    // experiment.seed value beside the old one) is reused, not replaced: this cell is new.
    std::vector<long> replaced;
    if (const auto same = finished_by_name.find(cells[i].spec.name); same != finished_by_name.end())
      for (long id : same->second)
        if (!wanted.count(known.cells[static_cast<size_t>(id)].hash)) replaced.push_back(id);
    if (replaced.empty()) {
      ++p.fresh;
      continue;
    }
    const auto now = settings_of(cells[i].spec);
    std::vector<std::string> best;
    for (long id : replaced) {
      std::vector<std::string> d = differences(settings_of(known.cells[static_cast<size_t>(id)].spec), now);
      if (best.empty() || d.size() < best.size()) best = std::move(d);
    }
    p.fate[i] = RerunFate::recompute;
    ++p.recompute;
    for (size_t k = 0; k < best.size(); ++k) {
      p.why[i] += (k ? "; " : "") + best[k];
      ++p.changed[key_of(best[k])];
    }
  }
  for (const auto& [hash, status] : by_hash) p.kept_outside += status != CellStatus::failed && !wanted.count(hash);
  return p;
}

std::string describe(const RerunPreview& p) {
  if (p.empty_store) return std::to_string(p.fresh) + " new (no store there yet)";
  std::string s = std::to_string(p.reuse) + " reused, " + std::to_string(p.fresh) + " new, " +
                  std::to_string(p.recompute) + " recomputed";
  if (!p.changed.empty()) {
    std::string keys;
    for (const auto& [key, n] : p.changed) keys += (keys.empty() ? "" : ", ") + key + " (" + std::to_string(n) + ")";
    s += " (finished under another job: " + keys + " changed)";
  }
  if (p.failed) s += ", " + std::to_string(p.failed) + " failed (run again only with --retry-failed)";
  if (p.kept_outside) s += "; " + std::to_string(p.kept_outside) + " finished cells the sweep does not have stay in the store";
  return s;
}

}  // namespace npde
