// `npdesweep status STORE.h5`: what a sweep has done, read-only (no lock taken, nothing written),
// so it works while a sweep runs or after one was killed.
#include <cstdio>
#include <ctime>
#include <iostream>
#include <map>
#include <set>
#include <sys/stat.h>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "spec/canonical.hpp"
#include "store/journal.hpp"
#include "store/posix_io.hpp"
#include "store/store_reader.hpp"
#include "store/sweep_store.hpp"

namespace npde::cli {
namespace {

const char* kHelp = R"(usage: npdesweep status STORE.h5

Prints the sweep's name and hash, counts of done, diverged, failed and pending cells, the
messages of failed and diverged cells, and when the store was last written (the journal's
modification time). The commit journal is authoritative: cells it holds that the HDF5 file
does not show yet (a running or killed sweep) are reported as committed. Read-only.
)";

}  // namespace

int status(int argc, char** argv) {
  ParsedArgs args;
  if (auto code = parse_command("status", kHelp, argc, argv, {}, {}, 1, "store file", args)) return *code;
  const std::string path = args.positional[0];
  StoreContents c;
  try {
    c = read_store(path);
  } catch (const std::exception& e) {
    return report_error("status", e, ErrorKind::bad_file);
  }
  std::map<std::string, long> counts;
  for (const ExperimentRow& r : c.rows) ++counts[r.keys.at("status")];

  const StorePaths paths(path);
  long journaled = -1, ignored = 0, torn = 0;
  std::string journal_problem;
  std::string last_written = "unknown (no journal)";
  struct stat st {};
  if (::stat(paths.journal.c_str(), &st) == 0) {
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", std::localtime(&st.st_mtime));
    last_written = buf;
    try {
      std::set<long> cells;  // a retried cell is journaled again: count cells, not lines
      for (const JournalRecord& r : read_journal(paths.journal, c.sweep_hash, &ignored, &torn)) cells.insert(r.id);
      journaled = static_cast<long>(cells.size());
    } catch (const std::exception& e) {
      journal_problem = e.what();
    }
  }
  std::printf("sweep %s  hash %s  schema %d\n", c.sweep_name.c_str(), c.sweep_hash.c_str(), c.schema_version);
  if (c.schema_version < kSchemaVersion)
    std::printf("note: an older layout than this npdesweep writes (schema %d); `run` resumes it, rebuilding the file "
                "in the new layout from its journal and shards first\n",
                kSchemaVersion);
  else if (c.schema_version > kSchemaVersion)
    std::printf("note: written by a newer npdesweep (this one writes schema %d): resume it with that version; "
                "status, query and summarize read what they know\n",
                kSchemaVersion);
  std::printf("cells %ld: %ld done, %ld diverged, %ld failed, %ld pending\n", c.cells, counts["done"], counts["diverged"],
              counts["failed"], counts["pending"]);
  if (!journal_problem.empty()) std::printf("journal: cannot be read: %s\n", journal_problem.c_str());
  if (journaled >= 0) {
    const long in_file = counts["done"] + counts["diverged"] + counts["failed"];
    std::printf("journal: %ld cells committed%s\n", journaled,
                journaled > in_file ? " (some not yet visible in the HDF5 file: a sweep is running or was killed; "
                                      "`run` or `repair` restores them)"
                                    : "");
    if (torn > 0)
      std::printf("journal: %ld trailing line(s) torn or corrupt (a crash mid-commit), ignored; the next `run` or "
                  "`repair` cuts them\n",
                  torn);
    if (ignored > torn)
      std::printf("journal: %ld damaged line(s) between intact ones (checksum mismatch: the file was altered or the "
                  "disk corrupted it), ignored; the commits around them count\n",
                  ignored - torn);
  }
  std::printf("last written: %s\n", last_written.c_str());
  if (posix::exists(paths.lock)) {
    try {
      std::printf("last writer: %s\n", posix::read_file(paths.lock).c_str());
    } catch (const std::exception& e) {
      std::printf("last writer: unknown (%s)\n", e.what());
    }
  }
  for (const ExperimentRow& r : c.rows) {
    const std::string& s = r.keys.at("status");
    if (s == "failed" || s == "diverged")
      std::printf("  %-8s cell %ld (N=%s %s/%s %s): %s\n", s.c_str(), r.id, r.keys.at("resolution").c_str(),
                  r.keys.at("train_stencil").c_str(), r.keys.at("infer_stencil").c_str(), r.keys.at("ic").c_str(),
                  r.message.c_str());
  }
  return kExitOk;
}

}  // namespace npde::cli
