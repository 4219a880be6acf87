#pragma once
// The commit journal: the record of which experiments are finished, independent of the HDF5
// file (which a crash can leave unflushed). Append-only text, one line per commit:
//   <id> <content hash> <status> <crc32 of the preceding fields, hex>
// after a header line naming the sweep's hash. Each append is written whole and fsync'd
// before the commit counts; a torn or corrupted line fails its checksum and is ignored on
// reading. Intact lines after a damaged one still count; a damaged tail (a crash mid-append)
// is cut when a writer opens the journal.
#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/cell_status.hpp"

namespace npde {

struct JournalRecord {
  long id = 0;
  std::string hash;
  CellStatus status = CellStatus::done;  // done, diverged or failed
};

class Journal {
 public:
  // Opens the journal at `path`, creating it with a header for `sweep_hash` if missing.
  // Throws std::runtime_error if an existing journal belongs to another sweep.
  Journal(std::string path, const std::string& sweep_hash);

  // The intact records; optionally how many lines were dropped and the intact prefix's length.
  std::vector<JournalRecord> read(long* ignored_lines = nullptr, size_t* intact_bytes = nullptr) const;
  void append(const JournalRecord& record);

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The intact records of the journal at `path` without modifying it (no torn tail is cut, no
// file created): for readers such as `status` that must not write to a store. Throws
// std::runtime_error if the file is unreadable or belongs to another sweep.
// `torn_tail`: how many of the ignored lines follow the last intact one (a crash mid-commit);
// the others are damaged lines between intact ones. An empty file reads as no commits.
std::vector<JournalRecord> read_journal(const std::string& path, const std::string& sweep_hash,
                                        long* ignored_lines = nullptr, long* torn_tail = nullptr);
// The same on a journal's text (`path` names it in errors); throws std::runtime_error if the
// header names another sweep.
std::vector<JournalRecord> parse_journal_text(const std::string& text, const std::string& path,
                                              const std::string& sweep_hash, long* ignored_lines = nullptr,
                                              long* torn_tail = nullptr);

// Names another sweep in the header of the journal at `path`, keeping every record (atomically:
// the whole file is written under a temporary name and renamed). A store that grows moves its
// journal to the grown sweep this way: records name cells by id and content hash, which growth
// keeps.
void retarget_journal(const std::string& path, const std::string& sweep_hash);

std::uint32_t crc32(const std::string& text);

}  // namespace npde
