#include "store/journal.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <fcntl.h>
#include <sstream>
#include <stdexcept>
#include <unistd.h>
#include <zlib.h>

#include "store/posix_io.hpp"

namespace npde {
namespace {

const std::string kHeader = "npdesweep-journal v1 ";

std::string record_fields(const JournalRecord& r) {
  return std::to_string(r.id) + " " + r.hash + " " + status_name(r.status);
}

std::string hex(std::uint32_t v) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

void check_header(const std::string& path, const std::string& text, const std::string& sweep_hash) {
  const std::string header = kHeader + sweep_hash + "\n";
  if (text.compare(0, header.size(), header) != 0)
    throw BadFileError("journal '" + path + "' belongs to another sweep (its first line is not '" +
                             header.substr(0, header.size() - 1) + "')");
}

// The intact records of a journal's text. Every complete line whose checksum matches counts,
// also after a damaged one (bit rot in one line must not cost the commits after it). Optionally:
// how many lines were dropped, how many of them trail the last intact line (a commit torn by a
// crash), and the length of the text up to the end of the last intact line.
std::vector<JournalRecord> parse_records(const std::string& text, long* ignored_lines, size_t* intact_bytes,
                                         long* torn_tail = nullptr) {
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);  // header, checked separately
  size_t position = line.size() + 1, intact_length = position;
  std::vector<JournalRecord> out;
  long ignored = 0, trailing = 0;
  while (std::getline(in, line)) {
    position += line.size() + 1;
    const size_t last_space = line.rfind(' ');
    bool ok = !in.eof() && last_space != std::string::npos &&
              line.substr(last_space + 1) == hex(crc32(line.substr(0, last_space)));
    JournalRecord r;
    if (ok) {
      std::istringstream fields(line.substr(0, last_space));
      // A line with a valid checksum but fields no writer makes (a negative id, a fourth field,
      // an unknown status) is damaged too: only what `append` writes counts as a commit.
      std::string status;
      ok = static_cast<bool>(fields >> r.id >> r.hash >> status) && r.id >= 0 && (fields >> std::ws).eof();
      try {
        if (ok) r.status = status_from_name(status);
      } catch (const std::exception&) {  // not a status name
        ok = false;
      }
    }
    if (!ok) {
      ++ignored;
      ++trailing;
      continue;
    }
    out.push_back(r);
    intact_length = position;
    trailing = 0;
  }
  if (ignored_lines) *ignored_lines = ignored;
  if (torn_tail) *torn_tail = trailing;
  if (intact_bytes) *intact_bytes = std::min(intact_length, text.size());
  return out;
}

}  // namespace

std::uint32_t crc32(const std::string& text) {
  // zlib's CRC-32 (the IEEE polynomial, as before: existing journals keep their checksums).
  return static_cast<std::uint32_t>(
      ::crc32(::crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(text.data()), static_cast<uInt>(text.size())));
}

Journal::Journal(std::string path, const std::string& sweep_hash) : path_(std::move(path)) {
  const std::string header = kHeader + sweep_hash + "\n";
  // An existing journal is read; an empty one (no header: emptied by hand or by a file system
  // that lost its data) holds no commits and is made anew below.
  if (posix::exists(path_) && !posix::read_file(path_).empty()) {
    const std::string text = posix::read_file(path_);
    check_header(path_, text, sweep_hash);
    // Cut a torn tail (a crash mid-append) so that new commits are not appended after it.
    size_t intact = 0;
    read(nullptr, &intact);
    if (intact < text.size()) {
      posix::File file(path_, O_WRONLY);
      file.truncate(static_cast<long long>(intact));
      file.fsync();
      file.close();
    }
    return;
  }
  // Written whole under a temporary name and renamed, so a crash never leaves a headerless journal.
  posix::write_file_atomic(path_, header);
}

void retarget_journal(const std::string& path, const std::string& sweep_hash) {
  const std::string text = posix::read_file(path);
  if (text.compare(0, kHeader.size(), kHeader) != 0) throw BadFileError(path + " is not an npdesweep journal");
  const size_t end = text.find('\n');
  posix::write_file_atomic(path, kHeader + sweep_hash + (end == std::string::npos ? std::string("\n") : text.substr(end)));
}

std::vector<JournalRecord> Journal::read(long* ignored_lines, size_t* intact_bytes) const {
  return parse_records(posix::read_file(path_), ignored_lines, intact_bytes);
}

std::vector<JournalRecord> read_journal(const std::string& path, const std::string& sweep_hash, long* ignored_lines,
                                        long* torn_tail) {
  return parse_journal_text(posix::read_file(path), path, sweep_hash, ignored_lines, torn_tail);
}

std::vector<JournalRecord> parse_journal_text(const std::string& text, const std::string& path,
                                              const std::string& sweep_hash, long* ignored_lines, long* torn_tail) {
  if (text.empty()) {
    if (ignored_lines) *ignored_lines = 0;
    if (torn_tail) *torn_tail = 0;
    return {};  // no header yet: no commits (`run` writes the header)
  }
  check_header(path, text, sweep_hash);
  return parse_records(text, ignored_lines, nullptr, torn_tail);
}

void Journal::append(const JournalRecord& record) {
  const std::string fields = record_fields(record);
  const std::string line = fields + " " + hex(crc32(fields)) + "\n";
  posix::File file(path_, O_WRONLY | O_APPEND);
  const long long before = file.size();
  try {
    file.write_all(line.data(), line.size());
    file.fsync();
  } catch (...) {
    // Take back a partial line, so the next append does not land after a torn record.
    try {
      file.truncate(before);
      file.fsync();
    } catch (const IoError&) {  // the reader ignores a torn tail; the first error is the one to report
    }
    throw;
  }
  file.close();
}

}  // namespace npde
