// `npdesweep status STORE.h5`: what a sweep has done, read-only (no lock taken, nothing written),
// so it works while a sweep runs or after one was killed.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <map>
#include <set>
#include <sys/stat.h>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "pipeline/cell_status.hpp"
#include "input/canonical.hpp"
#include "store/journal.hpp"
#include "store/posix_io.hpp"
#include "store/resume.hpp"
#include "store/store_reader.hpp"
#include "store/sweep_store.hpp"

namespace npde::cli {
namespace {

const char* kDescription = R"(Prints the sweep's name and hash, counts of done, diverged, failed and pending cells, the
messages of failed and diverged cells (grouped by kind with counts; every cell with --all), and
when the store was last written (the journal's
modification time). The commit journal is authoritative: cells it holds that the HDF5 file
does not show yet (a running or killed sweep) are reported as committed. Read-only.)";

// A message with its numbers taken out: messages of one kind differ only in where and when.
std::string message_shape(const std::string& message) {
  std::string shape;
  for (size_t i = 0; i < message.size(); ++i) {
    const char ch = message[i];
    if (std::isdigit(static_cast<unsigned char>(ch)) ||
        (ch == '.' && i + 1 < message.size() && std::isdigit(static_cast<unsigned char>(message[i + 1])))) {
      if (shape.empty() || shape.back() != '#') shape += '#';
      continue;
    }
    if ((ch == 'e' || ch == '-' || ch == '+') && !shape.empty() && shape.back() == '#' && i + 1 < message.size() &&
        (std::isdigit(static_cast<unsigned char>(message[i + 1])) || message[i + 1] == '-' || message[i + 1] == '+'))
      continue;  // an exponent: part of the number
    shape += ch;
  }
  return shape;
}

// What the journal says of the store's cells, read as `run` reads it (the last record of a cell
// wins), and of itself.
struct JournalView {
  long committed_count = -1;  // -1: no journal, or one that cannot be read
  std::map<long, CellStatus> committed;
  long ignored = 0, torn = 0, foreign = 0;  // damaged lines (torn at the end among them), records of no cell
  std::string problem;                      // why the journal cannot be read
  std::string last_written = "unknown (no journal)";
  // Committed cells whose shard is gone: with no row in the file either, their result is
  // nowhere (counted pending: `run` computes them again); with a row, a rebuild of the file would lose them.
  std::set<long> shardless;
};

JournalView read_journal_view(const StorePaths& paths, const StoreContents& c) {
  JournalView j;
  struct stat st {};
  if (::stat(paths.journal.c_str(), &st) == 0) {
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", std::localtime(&st.st_mtime));
    j.last_written = buf;
    try {
      j.committed = committed_cells(read_journal(paths.journal, c.sweep_hash, &j.ignored, &j.torn),
                                    static_cast<long>(c.cell_hashes.size()),
                                    [&](long id) { return c.cell_hashes[static_cast<size_t>(id)]; }, &j.foreign);
      j.committed_count = static_cast<long>(j.committed.size());
    } catch (const std::exception& e) {
      j.problem = e.what();
    }
  }
  std::vector<std::pair<long, std::string>> ids;
  for (const auto& [id, status] : j.committed) ids.emplace_back(id, c.cell_hashes[static_cast<size_t>(id)]);
  for (long id : cells_without_shard(paths, ids)) j.shardless.insert(id);
  return j;
}

// A row's status as the HDF5 file shows it.
CellStatus file_status(const ExperimentRow& r) {
  const std::string& name = r.keys.at("status");
  return name == status_name(CellStatus::pending) ? CellStatus::pending : status_from_name(name);
}

bool finished_badly(CellStatus s) { return s == CellStatus::failed || s == CellStatus::diverged; }

// Each cell's status: the journal's where it is readable, the file's otherwise; with the counts
// and what the two disagree on.
struct Tally {
  std::map<long, CellStatus> effective;
  std::map<CellStatus, long> counts;
  std::vector<std::string> disagree;  // cells whose finished row in the file says otherwise than the journal
  long lost = 0, row_only = 0;  // committed cells without a shard: without a row too, with a row
  long blown = 0;               // done cells with a test rollout that blew up: a result, not a cell failure
  long not_in_file = 0;         // committed cells the file does not show yet
};

Tally tally_cells(const StoreContents& c, const JournalView& j) {
  Tally t;
  for (const ExperimentRow& r : c.rows) {
    const CellStatus in_file = file_status(r);
    CellStatus s = in_file;
    if (j.committed_count >= 0) {
      const auto it = j.committed.find(r.id);
      s = it == j.committed.end() ? CellStatus::pending : it->second;
      if (it != j.committed.end() && j.shardless.count(r.id)) {
        if (in_file == CellStatus::pending) {
          s = CellStatus::pending;  // committed, but its result is in neither the file nor a shard
          ++t.lost;
        } else {
          ++t.row_only;
        }
      }
      if (in_file != CellStatus::pending && in_file != s)
        t.disagree.push_back("cell " + std::to_string(r.id) + ": the journal says " + status_name(s) + ", the file " +
                             status_name(in_file));
    }
    t.effective[r.id] = s;
    ++t.counts[s];
    const auto b = r.metrics.find("rollout_blowups");
    t.blown += s == CellStatus::done && in_file == CellStatus::done && b != r.metrics.end() && b->second > 0;
    t.not_in_file += in_file == CellStatus::pending && j.committed.count(r.id) && !j.shardless.count(r.id);
  }
  return t;
}

// The message of a cell; one the journal counts otherwise than the file shows says where it comes from.
std::string message_of(const ExperimentRow& r, const Tally& t) {
  const CellStatus s = t.effective.at(r.id);
  return file_status(r) == s ? r.message
                             : std::string("(journaled ") + status_name(s) + "; the file shows " + r.keys.at("status") + ")";
}

// The lock's writer (host and process). Anything else in it (a damaged or forged file) is shown
// as \xNN, never sent raw to the terminal, and only its first line. Empty without a lock.
std::string last_writer(const StorePaths& paths) {
  std::string writer;
  if (!posix::exists(paths.lock)) return writer;
  try {
    const std::string text = posix::read_file(paths.lock);
    for (unsigned char ch : text.substr(0, std::min(text.find('\n'), size_t{200}))) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", ch);
      writer += (ch >= 0x20 && ch < 0x7f) ? std::string(1, static_cast<char>(ch)) : std::string(hex);
    }
    if (text.find('\n') != std::string::npos && text.find('\n') + 1 < text.size()) writer += " (and more lines)";
  } catch (const std::exception& e) {
    writer = std::string("unknown (") + e.what() + ")";
  }
  return writer;
}

long count_of(const Tally& t, CellStatus s) { return t.counts.count(s) ? t.counts.at(s) : 0; }

Json counts_json(const Tally& t) {
  Json counts = Json::object();
  for (CellStatus s : {CellStatus::done, CellStatus::diverged, CellStatus::failed, CellStatus::pending})
    counts[status_name(s)] = count_of(t, s);
  return counts;
}

Json status_json(const StoreContents& c, const JournalView& j, const Tally& t, const std::string& writer,
                 const Table& problems) {
  return {{"sweep", c.sweep_name},
          {"hash", c.sweep_hash},
          {"schema_version", c.schema_version},
          {"cells", static_cast<long>(c.rows.size())},
          {"finished_outside_sweep", c.outside_view},
          {"counts", counts_json(t)},
          {"done_with_rollout_blowups", t.blown},
          {"journal", {{"committed", j.committed_count >= 0 ? Json(j.committed_count) : Json(nullptr)},
                       {"not_in_file", t.not_in_file},
                       {"lost", t.lost},
                       {"without_shard", t.row_only},
                       {"records_of_no_cell", j.foreign},
                       {"disagreements_with_file", t.disagree},
                       {"torn_lines", j.torn},
                       {"damaged_lines", j.ignored - j.torn},
                       {"problem", j.problem}}},
          {"last_written", j.last_written},
          {"last_writer", writer},
          {"problems", problems.to_json()}};
}


void print_summary(const StoreContents& c, const Tally& t) {
  std::printf("sweep %s  hash %s  schema %d\n", c.sweep_name.c_str(), c.sweep_hash.c_str(), c.schema_version);
  if (c.schema_version < kSchemaVersion)
    std::printf("note: an older layout than this npdesweep writes (schema %d); `run` resumes it, rebuilding the file "
                "in the new layout from its journal and shards first\n",
                kSchemaVersion);
  else if (c.schema_version > kSchemaVersion)
    std::printf("note: written by a newer npdesweep (this one writes schema %d): resume it with that version; "
                "status, query and summarize read what they know\n",
                kSchemaVersion);
  std::printf("cells %zu: %ld done, %ld diverged, %ld failed, %ld pending\n", c.rows.size(),
              count_of(t, CellStatus::done), count_of(t, CellStatus::diverged), count_of(t, CellStatus::failed),
              count_of(t, CellStatus::pending));
  if (c.outside_view > 0)
    std::printf("  and %ld finished cells of earlier sweeps this one does not have, kept in the store (query, export "
                "and summarize show them with --all)\n",
                c.outside_view);
  if (t.blown > 0)
    std::printf("  %ld of the done cells have a test rollout that blew up: a done cell ran to the end, and its "
                "rollouts are results (query --metric rollout_blowups)\n",
                t.blown);
}

void print_journal(const JournalView& j, const Tally& t) {
  if (!j.problem.empty()) std::printf("journal: cannot be read: %s\n", j.problem.c_str());
  if (j.committed_count < 0) return;
  std::printf("journal: %ld cells committed%s\n", j.committed_count,
              t.not_in_file > 0 ? " (some not yet visible in the HDF5 file: a sweep is running or was killed; "
                                  "`run` or `repair` restores them)"
                                : "");
  if (t.lost > 0)
    std::printf("journal: %ld committed cells have neither a row in the file nor a shard: their results are lost "
                "and they count as pending (`run` computes them again; `npdesweep repair` lists them)\n",
                t.lost);
  if (t.row_only > 0)
    std::printf("journal: %ld finished cells have a row in the file but no shard: a rebuild of the file would lose "
                "them (`npdesweep repair` lists them)\n",
                t.row_only);
  if (j.torn > 0)
    std::printf("journal: %ld trailing line(s) torn or corrupt (a crash mid-commit), ignored; the next `run` or "
                "`repair` cuts them\n",
                j.torn);
  if (j.ignored > j.torn)
    std::printf("journal: %ld damaged line(s) between intact ones (checksum mismatch: the file was altered or the "
                "disk corrupted it), ignored; the commits around them count\n",
                j.ignored - j.torn);
  if (j.foreign > 0)
    std::printf("journal: %ld record(s) name no cell of this store (an id out of range, or another content hash: "
                "forged or copied from another store), ignored, as `run` ignores them\n",
                j.foreign);
  for (size_t i = 0; i < t.disagree.size() && i < 10; ++i)
    std::printf("journal: %s; the journal decides, as it does for `run`%s\n", t.disagree[i].c_str(),
                i == 0 ? " (a failed cell reruns with --retry-failed; a cell the journal lacks reruns)" : "");
  if (t.disagree.size() > 10)
    std::printf("journal: and %zu more cells where the file disagrees\n", t.disagree.size() - 10);
}

// The failed and diverged cells grouped by what their message says (numbers aside: "blew up at
// t = 0.23" and "at t = 0.31" are one kind), each kind with its count, a few ids and one message
// as it reads.
void print_problem_kinds(const StoreContents& c, const Tally& t) {
  struct Kind {
    std::string status, example;
    std::vector<long> ids;
  };
  std::vector<Kind> kinds;
  for (const ExperimentRow& r : c.rows) {
    const CellStatus s = t.effective.at(r.id);
    if (!finished_badly(s)) continue;
    const std::string message = message_of(r, t);
    const std::string shape = std::string(status_name(s)) + ": " + message_shape(message);
    auto it = std::find_if(kinds.begin(), kinds.end(),
                           [&](const Kind& k) { return k.status + ": " + message_shape(k.example) == shape; });
    if (it == kinds.end()) it = kinds.insert(kinds.end(), Kind{status_name(s), message, {}});
    it->ids.push_back(r.id);
  }
  for (const Kind& k : kinds) {
    std::string ids;
    for (size_t i = 0; i < k.ids.size() && i < 5; ++i) ids += (i ? ", " : "") + std::to_string(k.ids[i]);
    if (k.ids.size() > 5) ids += ", ...";
    std::printf("  %-8s %zu cell%s (%s): %s\n", k.status.c_str(), k.ids.size(), k.ids.size() == 1 ? "" : "s",
                ids.c_str(), k.example.c_str());
  }
  if (!kinds.empty()) std::printf("  (status --all lists every failed and diverged cell; --format csv as a table)\n");
}

// One store's report: printed (table), added to `json` (an array, when several stores are read)
// or its failed and diverged cells added to `problems` (csv). `label`: the store as given, when
// several are read (each report then names it).
int status_of(const std::string& path, Format format, bool every_cell, const std::string& label, Json* json,
              Table& problems) {
  StoreContents c;
  try {
    c = read_store(path);
  } catch (const std::exception& e) {
    return report_error("status", e, ErrorKind::bad_file);
  }
  const StorePaths paths(path);
  const JournalView j = read_journal_view(paths, c);
  const Tally t = tally_cells(c, j);
  for (const ExperimentRow& r : c.rows) {  // the cells that did not finish well, with why
    const CellStatus s = t.effective.at(r.id);
    if (!finished_badly(s)) continue;
    problems.row();
    if (!label.empty()) problems.text(label);
    problems.text(status_name(s))
        .integer(r.id)
        .integer(std::stol(r.keys.at("resolution")))
        .text(r.keys.at("train_stencil"))
        .text(r.keys.at("infer_stencil"))
        .text(r.keys.at("ic"))
        .text(message_of(r, t));
  }
  const std::string writer = last_writer(paths);
  if (format == Format::csv) return kExitOk;
  if (format == Format::json) {
    const Json out = status_json(c, j, t, writer, problems);
    if (json) {
      Json named = {{"store", label}};
      named.update(out);
      json->push_back(named);
      return kExitOk;
    }
    write_json(std::cout, out);
    std::cout << "\n";
    return kExitOk;
  }
  if (!label.empty()) std::printf("store %s\n", label.c_str());
  print_summary(c, t);
  print_journal(j, t);
  std::printf("last written: %s\n", j.last_written.c_str());
  if (!writer.empty()) std::printf("last writer: %s\n", writer.c_str());
  if (!every_cell) {
    print_problem_kinds(c, t);
    return kExitOk;
  }
  for (const ExperimentRow& r : c.rows) {
    const CellStatus s = t.effective.at(r.id);
    if (finished_badly(s))
      std::printf("  %-8s cell %ld (N=%s %s/%s %s): %s\n", status_name(s), r.id, r.keys.at("resolution").c_str(),
                  r.keys.at("train_stencil").c_str(), r.keys.at("infer_stencil").c_str(), r.keys.at("ic").c_str(),
                  message_of(r, t).c_str());
  }
  return kExitOk;
}

}  // namespace

int status(int argc, char** argv) {
  std::vector<std::string> paths;
  Format format = Format::table;
  CommandLine cl("status", kDescription, "Exit codes: 0, 2 not a readable store, 4 an I/O error (run again).");
  cl.positional("STORE.h5", paths, "the sweep store(s): several are reported one after the other, each named");
  add_format_option(cl, format,
                    "table (default): the report; json: the same facts as one object (an array of them, each with "
                    "its store, for several stores); csv: the failed and diverged cells (with a store column for "
                    "several)");
  bool every_cell = false;
  cl.flag("--all", every_cell,
          "list every failed and diverged cell with its message (default: their messages grouped, with counts)");
  if (auto code = cl.parse(argc, argv)) return *code;
  const bool several = paths.size() > 1;
  std::vector<Table::Column> columns = {{"status", ""}, {"id", "cell"}, {"resolution", "N"}, {"train_stencil", "train"},
                                        {"infer_stencil", "infer"}, {"ic", ""}, {"message", ""}};
  if (several) columns.insert(columns.begin(), {"store", ""});
  Json all = Json::array();
  Table csv(columns);  // every store's failed and diverged cells, printed once
  for (size_t i = 0; i < paths.size(); ++i) {
    if (several && format == Format::table && i > 0) std::printf("\n");
    Table problems(columns);
    const int code = status_of(paths[i], format, every_cell, several ? paths[i] : "", several ? &all : nullptr,
                               format == Format::csv ? csv : problems);
    if (code != kExitOk) return code;
  }
  if (format == Format::csv) csv.print(std::cout, format);
  if (several && format == Format::json) {
    write_json(std::cout, all);
    std::cout << "\n";
  }
  return kExitOk;
}

}  // namespace npde::cli
