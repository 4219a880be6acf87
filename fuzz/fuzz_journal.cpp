// Fuzz target: the commit journal's reader (src/store/journal.cpp) on arbitrary bytes. It must
// return the intact records or refuse a foreign header with std::runtime_error, and its counts
// must add up: every line is a record or an ignored line, torn lines are among the ignored.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "store/journal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  long ignored = -1, torn = -1;
  std::vector<npde::JournalRecord> records;
  try {
    records = npde::parse_journal_text(text, "journal", "0123456789abcdef", &ignored, &torn);
  } catch (const std::runtime_error&) {
    return 0;  // another sweep's journal
  }
  const long lines = static_cast<long>(std::count(text.begin(), text.end(), '\n')) + (text.empty() || text.back() == '\n' ? 0 : 1);
  const long body = std::max(0L, lines - 1);  // the header is not a record
  if (ignored < 0 || torn < 0 || torn > ignored || static_cast<long>(records.size()) + ignored > body) {
    std::fprintf(stderr, "inconsistent counts: %zu records, %ld ignored, %ld torn, %ld lines\n", records.size(), ignored,
                 torn, lines);
    std::abort();
  }
  for (const npde::JournalRecord& r : records)
    if (r.id < 0 || r.hash.empty() || r.status == npde::CellStatus::pending) std::abort();
  return 0;
}
