#include "store/merge.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <complex>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <optional>
#include <set>

#include <unistd.h>

#include "input/canonical.hpp"
#include "input/input_error.hpp"
#include "input/printable.hpp"
#include "store/h5.hpp"
#include "store/journal.hpp"
#include "store/posix_io.hpp"
#include "store/result_schema.hpp"
#include "store/resume.hpp"
#include "store/store_lock.hpp"
#include "store/sweep_store.hpp"

namespace npde {

namespace {

std::string first_line_hash(const std::string& journal_text) {
  const std::string head = journal_text.substr(0, journal_text.find('\n'));
  return head.substr(head.rfind(' ') + 1);
}

// An attribute's text for a message: printable, at most 80 characters.
std::string printable_excerpt(const std::string& text) {
  const std::string shown = printable(text);
  return shown.size() > 80 ? shown.substr(0, 80) + "..." : shown;
}

// The largest difference between two numeric datasets of one shape and type, in words.
std::string numeric_difference(const h5::RawData& x, const h5::RawData& y) {
  double worst = 0, at_a = 0, at_b = 0;
  long bits_only = 0;  // values equal as numbers whose bits differ: 0 and -0, NaNs of other payloads
  double bits_a = 0, bits_b = 0;
  const auto consider = [&](double a, double b) {
    const double d = std::isnan(a) && std::isnan(b) ? 0 : std::abs(a - b);
    if (d == 0 && std::memcmp(&a, &b, sizeof a) != 0 && bits_only++ == 0) bits_a = a, bits_b = b;
    if (!(d <= worst)) worst = d, at_a = a, at_b = b;  // NaN against a number counts
  };
  if (x.type == h5::Type::f64 || x.type == h5::Type::c128) {
    const size_t n = x.bytes.size() / sizeof(double);
    std::vector<double> a(n), b(n);
    std::memcpy(a.data(), x.bytes.data(), n * sizeof(double));
    std::memcpy(b.data(), y.bytes.data(), n * sizeof(double));
    for (size_t i = 0; i < n; ++i) consider(a[i], b[i]);
  } else {
    return "integer values differ";
  }
  char text[200];
  if (worst == 0 && bits_only > 0)  // equal as numbers, not as bits: say which bits
    std::snprintf(text, sizeof text, "%ld values equal as numbers but not bitwise (e.g. %s against %s)", bits_only,
                  std::isnan(bits_a) ? "a NaN" : std::signbit(bits_a) ? "-0" : "0",
                  std::isnan(bits_b) ? "a NaN of another payload" : std::signbit(bits_b) ? "-0" : "0");
  else
    std::snprintf(text, sizeof text, "largest difference %.3g (%.17g against %.17g)", worst, at_a, at_b);
  return text;
}

}  // namespace

std::string result_difference(const std::string& a_path, const std::string& b_path) {
  h5::Object a = h5::open_file_read_only(a_path), b = h5::open_file_read_only(b_path);
  const std::string sa = h5::read_string_attribute(a.id(), ".", "status"),
                    sb = h5::read_string_attribute(b.id(), ".", "status");
  if (sa != sb) return "status " + sa + " against " + sb;
  for (const ResultDataset& d : result_datasets()) {
    const std::string path = "/" + d.path;
    const bool in_a = h5::exists(a.id(), path), in_b = h5::exists(b.id(), path);
    if (in_a != in_b) return path + " is in only one of them";
    if (!in_a) continue;
    const h5::RawData x = h5::read_raw(a.id(), path), y = h5::read_raw(b.id(), path);
    if (x.type != y.type || x.shape != y.shape) return path + " has another shape or type";
    if (x.bytes != y.bytes) return path + ": " + numeric_difference(x, y);
  }
  // The settings and messages beside the results (the divergence message, /integrator's
  // amplitude and substeps, /training's epochs run, ...): two copies that differ there are not
  // equal either. Not compared: wall-clock /timing, and which build wrote the file.
  const std::map<std::string, std::string> ta = h5::group_attributes(a.id()), tb = h5::group_attributes(b.id());
  const auto compared = [](const std::string& key) {
    return key.rfind("/timing@", 0) != 0 && key != "/@tool" && key != "/@schema_version" &&
           key.rfind("/provenance@", 0) != 0;
  };
  for (const auto& [key, value] : ta) {
    if (!compared(key)) continue;
    const auto it = tb.find(key);
    if (it == tb.end()) return "attribute " + key + " is in only one of them";
    if (it->second != value) return "attribute " + key + ": '" + printable_excerpt(value) + "' against '" + printable_excerpt(it->second) + "'";
  }
  for (const auto& [key, value] : tb)
    if (compared(key) && !ta.count(key)) return "attribute " + key + " is in only one of them";
  return "";
}

MergeInput::MergeInput(const std::string& store) : path(store), paths(posix::resolve_link(store)) {
  if (!posix::exists(paths.journal) || !posix::exists(paths.sweep_toml))
    throw InputError(store, 0, "", "is not a sweep store (no " + paths.journal + " or " + paths.sweep_toml + ")");
  history = read_history(paths);
  current = posix::read_file(paths.sweep_toml);
  cells = store_cells(history, current, store);
  // The journal may name any sweep of the history (a growth cut short): its records name cells
  // by id and content hash either way.
  const std::string text = posix::read_file(paths.journal);
  const std::string named = first_line_hash(text);
  bool known = content_hash(current) == named;
  for (const std::string& h : history) known = known || content_hash(h) == named;
  if (!known) throw InputError(paths.journal, 1, "", "names a sweep (hash " + named + ") its store's history does not have");
  committed = committed_cells(parse_journal_text(text, paths.journal, named), cells.cells);
}

MergePlan plan_merge(const std::vector<std::string>& stores, const std::string& into,
                     const std::string& sweep_canonical, const std::string& prefer) {
  MergePlan plan;
  const StorePaths target(into);
  std::set<std::string> seen;
  for (const std::string& s : stores) {
    const std::string real = std::filesystem::weakly_canonical(posix::resolve_link(s)).string();
    if (!seen.insert(real).second) throw InputError(s, 0, "", "is given twice");
    if (real == std::filesystem::weakly_canonical(into).string())
      throw InputError(into, 0, "--into", "is one of the stores to merge: merge into a new store");
  }
  if (posix::exists(target.file) || posix::exists(target.sidecar))
    throw InputError(into, 0, "--into",
                     "exists: merge makes a new store (if a merge into it was cut short after its cells were in place, "
                     "`npdesweep repair " + into + "` finishes it)");
  for (const std::string& s : stores) plan.inputs.emplace_back(s);

  // One sweep name: a store belongs to a sweep of one name, and grows only with it.
  const std::string name = plan.inputs.front().cells.current().name;
  std::string current = sweep_canonical.empty() ? plan.inputs.back().current : sweep_canonical;
  for (const MergeInput& in : plan.inputs)
    if (in.cells.current().name != name)
      throw InputError(in.path, 0, "[sweep] name",
                       "belongs to sweep '" + in.cells.current().name + "', " + plan.inputs.front().path +
                           " to sweep '" + name +
                           "': merge joins stores of one sweep name (query, export and summarize read stores of "
                           "different sweeps together without merging them)");
  if (!sweep_canonical.empty() && read_sweep_text(current, "--sweep").name != name)
    throw InputError("--sweep", 0, "[sweep] name",
                     "is '" + read_sweep_text(current, "--sweep").name + "', the stores' is '" + name + "'");
  for (const MergeInput& in : plan.inputs)
    for (const std::string& text : in.history)
      if (std::find(plan.history.begin(), plan.history.end(), text) == plan.history.end()) plan.history.push_back(text);
  if (std::find(plan.history.begin(), plan.history.end(), current) == plan.history.end()) plan.history.push_back(current);
  plan.current = current;
  plan.current_hash = content_hash(current);
  plan.cells = store_cells(plan.history, current, into);

  // Each finished cell of each input, by content hash.
  struct Copy {
    size_t input;
    long id;
    CellStatus status;
  };
  std::map<std::string, std::vector<Copy>> copies;
  std::set<std::string> failed;
  for (size_t k = 0; k < plan.inputs.size(); ++k) {
    const MergeInput& in = plan.inputs[k];
    for (const auto& [id, status] : in.committed) {
      const std::string& hash = in.cells.cells[static_cast<size_t>(id)].hash;
      if (status == CellStatus::failed) {
        failed.insert(hash);
        continue;
      }
      if (std::string why = shard_problem(in.paths.shard(id, hash), hash); !why.empty()) {
        plan.notes.push_back(in.path + ", cell " + std::to_string(id) + ": " + why + "; not taken from it");
        ++plan.unusable;
        continue;
      }
      copies[hash].push_back({k, id, status});
    }
  }
  size_t preferred = plan.inputs.size();
  for (size_t k = 0; k < plan.inputs.size(); ++k)
    if (!prefer.empty() && plan.inputs[k].path == prefer) preferred = k;
  if (!prefer.empty() && preferred == plan.inputs.size())
    throw InputError(prefer, 0, "--prefer", "is not one of the stores to merge (name it as given)");

  for (const GridCell& c : plan.cells.cells) {
    const std::string& hash = c.hash;
    const auto it = copies.find(hash);
    if (it == copies.end()) {
      plan.failed_left += failed.count(hash) ? 1 : 0;
      continue;
    }
    const std::vector<Copy>& cs = it->second;
    MergedCell m;
    m.id = c.id;
    m.hash = hash;
    size_t pick = 0;
    bool differ = false;
    for (size_t j = 1; j < cs.size(); ++j) {
      const MergeInput &a = plan.inputs[cs[0].input], &b = plan.inputs[cs[j].input];
      const std::string why = result_difference(a.paths.shard(cs[0].id, hash), b.paths.shard(cs[j].id, hash));
      if (why.empty()) continue;
      differ = true;
      plan.conflicts.push_back({hash, c.spec.name, cs[0].input, cs[j].input, why});
    }
    if (differ) {
      if (preferred == plan.inputs.size()) continue;  // refused below, after every conflict is known
      const auto p = std::find_if(cs.begin(), cs.end(), [&](const Copy& x) { return x.input == preferred; });
      pick = p == cs.end() ? 0 : static_cast<size_t>(p - cs.begin());
      m.preferred = p != cs.end();
    }
    m.from = cs[pick].input;
    m.from_id = cs[pick].id;
    m.status = cs[pick].status;
    for (size_t j = 0; j < cs.size(); ++j)
      if (j != pick) m.also.push_back(cs[j].input);
    plan.taken.push_back(std::move(m));
  }
  if (!plan.conflicts.empty() && preferred == plan.inputs.size()) {
    std::string list;
    for (size_t i = 0; i < plan.conflicts.size() && i < 5; ++i) {
      const MergeConflict& c = plan.conflicts[i];
      list += "\n  cell " + c.cell_name + " (hash " + c.hash + "): " + plan.inputs[c.a].path + " and " +
              plan.inputs[c.b].path + " differ: " + c.difference;
    }
    if (plan.conflicts.size() > 5) list += "\n  ... and " + std::to_string(plan.conflicts.size() - 5) + " more";
    throw InputError(plan.inputs[plan.conflicts.front().a].path, 0, "",
                     std::to_string(plan.conflicts.size()) +
                         " cell(s) hold different results in different stores (runs on CPUs that round differently, "
                         "or another npdesweep version):" +
                         list + "\nnothing was written; --prefer STORE takes that store's copy where copies differ");
  }
  return plan;
}

long write_merge(const MergePlan& plan, const std::string& into) {
  // Everything but the file, under a temporary name, renamed into place in one step.
  const StorePaths staging(into + ".merging"), paths(into);
  // One merge into `into` at a time: the staging sidecar's lock is taken before anything in it is
  // touched and held to the end; with the rename it becomes the new store's lock, so no run or
  // repair can open the store before its file has every row. A second merge exits 2 with
  // nothing written.
  posix::make_directory(staging.sidecar);
  std::optional<StoreLock> lock;
  try {
    lock.emplace(staging.lock);
  } catch (const StoreLocked& e) {
    throw StoreLocked(into + ": another merge into it is running (" + e.what() + ")");
  } catch (const IoError& e) {
    // The staging directory went between making it and opening its lock: a racing merge renamed
    // it into place as the store's sidecar. That merge won; this one stops as the check below would.
    if (e.error_number() == ENOENT && posix::exists(paths.sidecar))
      throw InputError(into, 0, "--into", "exists: another merge made it while this one was planned; nothing written");
    throw;
  }
  if (posix::exists(paths.file) || posix::exists(paths.sidecar)) {
    posix::remove(staging.lock);  // ours; whoever takes it next sees the store and stops too
    ::rmdir(staging.sidecar.c_str());
    throw InputError(into, 0, "--into", "exists: another merge made it while this one was planned; nothing written");
  }
  for (const auto& entry : std::filesystem::directory_iterator(staging.sidecar))  // a merge cut short before its rename
    if (entry.path().filename() != "lock") std::filesystem::remove_all(entry.path());
  posix::make_directory(staging.shards);
  long n = 0;
  for (const MergedCell& m : plan.taken) {
    const MergeInput& in = plan.inputs[m.from];
    posix::write_file_atomic(staging.shard(m.id, m.hash), posix::read_file(in.paths.shard(m.from_id, m.hash)));
    posix::crash_point("merge", n++);  // kill tests: die after the n-th shard
  }
  append_history(staging, std::vector<std::string>(plan.history.begin(), plan.history.end() - 1), plan.history.back());
  posix::write_file_atomic(staging.sweep_toml, plan.current);
  {
    std::string provenance = "# npdesweep merge on " + posix::host_name() + "\n# inputs:\n";
    for (size_t k = 0; k < plan.inputs.size(); ++k)
      provenance += "#   " + std::to_string(k) + " " + std::filesystem::absolute(plan.inputs[k].path).string() + "\n";
    provenance += "# id hash status from_input from_id also_in (inputs with equal results; * where copies differed "
                  "and the preferred input's was taken)\n";
    for (const MergedCell& m : plan.taken) {
      std::string also;
      for (size_t k : m.also) also += (also.empty() ? "" : ",") + std::to_string(k);
      provenance += std::to_string(m.id) + " " + m.hash + " " + status_name(m.status) + " " + std::to_string(m.from) +
                    " " + std::to_string(m.from_id) + " " + (also.empty() ? "-" : also) + (m.preferred ? " *" : "") +
                    "\n";
    }
    posix::write_file_atomic(staging.sidecar + "/provenance", provenance);
  }
  {
    Journal journal(staging.journal, plan.current_hash);
    for (const MergedCell& m : plan.taken) journal.append({m.id, m.hash, m.status});
  }
  mark_rebuilding(staging);  // moves with the sidecar: readers wait until the file has every row
  posix::fsync_directory(staging.sidecar);
  posix::rename(staging.sidecar, paths.sidecar);
  const std::string parent = std::filesystem::absolute(paths.sidecar).parent_path().string();
  posix::fsync_directory(parent);
  posix::crash_point("merge", -1);  // kill tests: die with the sidecar in place and no file

  // The file, as `repair` makes it (the lock taken above is now paths.lock's).
  SweepStore::create(paths.file, plan.cells, plan.current, plan.current_hash, MPI_COMM_SELF);
  SweepStore store(paths.file, MPI_COMM_SELF);
  std::vector<long> committed;
  for (const MergedCell& m : plan.taken) committed.push_back(m.id);
  std::vector<LostShard> lost;
  const long restored = restore_committed_rows(store, plan.cells.cells, committed, paths, &lost);
  store.close();
  unmark_rebuilding(paths);
  if (!lost.empty()) throw IoError(paths.file + ": cell " + std::to_string(lost.front().id) + ": " + lost.front().why);
  return restored;
}

}  // namespace npde
