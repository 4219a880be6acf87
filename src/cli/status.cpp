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
#include "spec/canonical.hpp"
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
  long journaled = -1, ignored = 0, torn = 0, foreign = 0;
  std::map<long, CellStatus> committed;  // the journal's view, as `run` takes it: last record wins
  std::string journal_problem;
  std::string last_written = "unknown (no journal)";
  struct stat st {};
  if (::stat(paths.journal.c_str(), &st) == 0) {
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", std::localtime(&st.st_mtime));
    last_written = buf;
    try {
      committed = committed_cells(read_journal(paths.journal, c.sweep_hash, &ignored, &torn),
                                  static_cast<long>(c.cell_hashes.size()),
                                  [&](long id) { return c.cell_hashes[static_cast<size_t>(id)]; }, &foreign);
      journaled = static_cast<long>(committed.size());
    } catch (const std::exception& e) {
      journal_problem = e.what();
    }
  }
  // Committed cells whose shard is gone: with no row in the file either, their result is
  // nowhere (counted pending: `run` computes them again); with a row, a rebuild of the file would lose them.
  std::set<long> shardless;
  {
    std::vector<std::pair<long, std::string>> ids;
    for (const auto& [id, status] : committed) ids.emplace_back(id, c.cell_hashes[static_cast<size_t>(id)]);
    for (long id : cells_without_shard(paths, ids)) shardless.insert(id);
  }
  long lost = 0, row_only = 0;
  // Each cell's status: the journal's where it is readable, the file's otherwise. `disagree`:
  // cells whose finished row in the file says otherwise than the journal.
  std::map<long, std::string> effective;
  std::vector<std::string> disagree;
  std::map<std::string, long> counts;
  long blown = 0;        // done cells with a test rollout that blew up: a result, not a cell failure
  long not_in_file = 0;  // committed cells the file does not show yet
  for (const ExperimentRow& r : c.rows) {
    const std::string& in_file = r.keys.at("status");
    std::string s = in_file;
    if (journaled >= 0) {
      const auto it = committed.find(r.id);
      s = it == committed.end() ? "pending" : status_name(it->second);
      if (it != committed.end() && shardless.count(r.id)) {
        if (in_file == "pending") {
          s = "pending";  // committed, but its result is in neither the file nor a shard
          ++lost;
        } else {
          ++row_only;
        }
      }
      if (in_file != "pending" && in_file != s)
        disagree.push_back("cell " + std::to_string(r.id) + ": the journal says " + s + ", the file " + in_file);
    }
    effective[r.id] = s;
    ++counts[s];
    const auto b = r.metrics.find("rollout_blowups");
    blown += s == "done" && in_file == "done" && b != r.metrics.end() && b->second > 0;
    not_in_file += in_file == "pending" && committed.count(r.id) && !shardless.count(r.id);
  }
  // The message of a cell the journal counts otherwise than the file shows says where it comes from.
  auto message_of = [&](const ExperimentRow& r) {
    const std::string& s = effective[r.id];
    return r.keys.at("status") == s ? r.message : "(journaled " + s + "; the file shows " + r.keys.at("status") + ")";
  };
  // The cells that did not finish well, with why.
  for (const ExperimentRow& r : c.rows) {
    const std::string& s = effective[r.id];
    if (s == "failed" || s == "diverged") {
      problems.row();
      if (!label.empty()) problems.text(label);
      problems.text(s)
          .integer(r.id)
          .integer(std::stol(r.keys.at("resolution")))
          .text(r.keys.at("train_stencil"))
          .text(r.keys.at("infer_stencil"))
          .text(r.keys.at("ic"))
          .text(message_of(r));
    }
  }
  std::string writer;
  if (posix::exists(paths.lock)) {
    try {
      // The lock names the writer's host and process; anything else in it (a damaged or forged
      // file) is shown as \xNN, never sent raw to the terminal, and only its first line.
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
  }
  if (format == Format::csv) return kExitOk;
  if (format == Format::json) {
    Json out = {
        {"sweep", c.sweep_name},
        {"hash", c.sweep_hash},
        {"schema_version", c.schema_version},
        {"cells", static_cast<long>(c.rows.size())},
        {"finished_outside_sweep", c.outside_view},
        {"counts", {{"done", counts["done"]}, {"diverged", counts["diverged"]}, {"failed", counts["failed"]},
                    {"pending", counts["pending"]}}},
        {"done_with_rollout_blowups", blown},
        {"journal", {{"committed", journaled >= 0 ? Json(journaled) : Json(nullptr)},
                     {"not_in_file", not_in_file},
                     {"lost", lost},
                     {"without_shard", row_only},
                     {"records_of_no_cell", foreign},
                     {"disagreements_with_file", disagree},
                     {"torn_lines", torn},
                     {"damaged_lines", ignored - torn},
                     {"problem", journal_problem}}},
        {"last_written", last_written},
        {"last_writer", writer},
        {"problems", problems.to_json()}};
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
  std::printf("sweep %s  hash %s  schema %d\n", c.sweep_name.c_str(), c.sweep_hash.c_str(), c.schema_version);
  if (c.schema_version < kSchemaVersion)
    std::printf("note: an older layout than this npdesweep writes (schema %d); `run` resumes it, rebuilding the file "
                "in the new layout from its journal and shards first\n",
                kSchemaVersion);
  else if (c.schema_version > kSchemaVersion)
    std::printf("note: written by a newer npdesweep (this one writes schema %d): resume it with that version; "
                "status, query and summarize read what they know\n",
                kSchemaVersion);
  std::printf("cells %zu: %ld done, %ld diverged, %ld failed, %ld pending\n", c.rows.size(), counts["done"],
              counts["diverged"], counts["failed"], counts["pending"]);
  if (c.outside_view > 0)
    std::printf("  and %ld finished cells of earlier sweeps this one does not have, kept in the store (query, export "
                "and summarize show them with --all)\n",
                c.outside_view);
  if (blown > 0)
    std::printf("  %ld of the done cells have a test rollout that blew up: a done cell ran to the end, and its "
                "rollouts are results (query --metric rollout_blowups)\n",
                blown);
  if (!journal_problem.empty()) std::printf("journal: cannot be read: %s\n", journal_problem.c_str());
  if (journaled >= 0) {
    std::printf("journal: %ld cells committed%s\n", journaled,
                not_in_file > 0 ? " (some not yet visible in the HDF5 file: a sweep is running or was killed; "
                                      "`run` or `repair` restores them)"
                                    : "");
    if (lost > 0)
      std::printf("journal: %ld committed cells have neither a row in the file nor a shard: their results are lost "
                  "and they count as pending (`run` computes them again; `npdesweep repair` lists them)\n",
                  lost);
    if (row_only > 0)
      std::printf("journal: %ld finished cells have a row in the file but no shard: a rebuild of the file would lose "
                  "them (`npdesweep repair` lists them)\n",
                  row_only);
    if (torn > 0)
      std::printf("journal: %ld trailing line(s) torn or corrupt (a crash mid-commit), ignored; the next `run` or "
                  "`repair` cuts them\n",
                  torn);
    if (ignored > torn)
      std::printf("journal: %ld damaged line(s) between intact ones (checksum mismatch: the file was altered or the "
                  "disk corrupted it), ignored; the commits around them count\n",
                  ignored - torn);
    if (foreign > 0)
      std::printf("journal: %ld record(s) name no cell of this store (an id out of range, or another content hash: "
                  "forged or copied from another store), ignored, as `run` ignores them\n",
                  foreign);
    for (size_t i = 0; i < disagree.size() && i < 10; ++i)
      std::printf("journal: %s; the journal decides, as it does for `run`%s\n", disagree[i].c_str(),
                  i == 0 ? " (a failed cell reruns with --retry-failed; a cell the journal lacks reruns)" : "");
    if (disagree.size() > 10) std::printf("journal: and %zu more cells where the file disagrees\n", disagree.size() - 10);
  }
  std::printf("last written: %s\n", last_written.c_str());
  if (!writer.empty()) std::printf("last writer: %s\n", writer.c_str());
  if (every_cell) {
    for (const ExperimentRow& r : c.rows) {
      const std::string& s = effective[r.id];
      if (s == "failed" || s == "diverged")
        std::printf("  %-8s cell %ld (N=%s %s/%s %s): %s\n", s.c_str(), r.id, r.keys.at("resolution").c_str(),
                    r.keys.at("train_stencil").c_str(), r.keys.at("infer_stencil").c_str(), r.keys.at("ic").c_str(),
                    message_of(r).c_str());
    }
    return kExitOk;
  }
  // Brief: the failed and diverged cells grouped by what their message says (numbers aside:
  // "blew up at t = 0.23" and "at t = 0.31" are one kind), each kind with its count, a few ids
  // and one message as it reads.
  struct Kind {
    std::string status, example;
    std::vector<long> ids;
  };
  std::vector<Kind> kinds;
  for (const ExperimentRow& r : c.rows) {
    const std::string& s = effective[r.id];
    if (s != "failed" && s != "diverged") continue;
    const std::string message = message_of(r);
    const std::string shape = s + ": " + message_shape(message);
    auto it = std::find_if(kinds.begin(), kinds.end(), [&](const Kind& k) { return k.status + ": " + message_shape(k.example) == shape; });
    if (it == kinds.end()) it = kinds.insert(kinds.end(), Kind{s, message, {}});
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
