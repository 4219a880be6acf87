// The commit journal: round trip, torn and corrupted lines, and injected I/O faults (ENOSPC, a
// short write, a failing fsync) through the POSIX seam, none of which may corrupt what was
// committed before.
#include <catch2/catch.hpp>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "store/journal.hpp"
#include "store/posix_io.hpp"

using namespace npde;

namespace {

std::string temp_path(const std::string& name) {
  return "/tmp/npdesweep_journal_" + std::to_string(getpid()) + "_" + name;
}

}  // namespace

TEST_CASE("The journal's CRC-32 is the IEEE CRC-32 (zlib's, as journals written before)", "[store][journal]") {
  CHECK(crc32("") == 0u);
  CHECK(crc32("123456789") == 0xCBF43926u);  // the standard check value
}

TEST_CASE("An empty journal holds no commits and gets its header back", "[store][journal]") {
  const std::string path = temp_path("empty");
  std::ofstream(path, std::ios::trunc).close();
  CHECK(read_journal(path, "s").empty());
  Journal j(path, "s");
  j.append({1, "a", CellStatus::done});
  CHECK(read_journal(path, "s").size() == 1);
  std::remove(path.c_str());
}

TEST_CASE("Journal round trip and sweep check", "[store][journal]") {
  const std::string path = temp_path("roundtrip");
  std::remove(path.c_str());
  {
    Journal j(path, "abc123");
    j.append({0, "h0", CellStatus::done});
    j.append({5, "h5", CellStatus::diverged});
  }
  Journal again(path, "abc123");
  const auto records = again.read();
  REQUIRE(records.size() == 2);
  CHECK(records[1].id == 5);
  CHECK(records[1].hash == "h5");
  CHECK(records[1].status == CellStatus::diverged);
  CHECK_THROWS_WITH(Journal(path, "other"), Catch::Contains("belongs to another sweep"));
  std::remove(path.c_str());
}

TEST_CASE("A torn or corrupted line is ignored, intact lines after a damaged one still count", "[store][journal]") {
  const std::string path = temp_path("torn");
  std::remove(path.c_str());
  Journal j(path, "s");
  j.append({1, "a", CellStatus::done});
  j.append({2, "b", CellStatus::done});
  {
    std::ofstream out(path, std::ios::app);
    out << "3 c done 0000";  // torn: no newline, wrong checksum
  }
  long ignored = 0;
  CHECK(j.read(&ignored).size() == 2);
  CHECK(ignored == 1);
  // corrupt a byte of the first record (bit rot): it is dropped, the second still counts
  std::string text = posix::read_file(path);
  text[text.find("1 a") + 2] = 'x';
  std::ofstream(path, std::ios::trunc) << text;
  long torn = 0;
  const auto records = read_journal(path, "s", &ignored, &torn);
  REQUIRE(records.size() == 1);
  CHECK(records[0].id == 2);
  CHECK(ignored == 2);
  CHECK(torn == 1);  // the torn line at the end; the damaged one is between intact lines
  // Reopening cuts only the torn tail, so new commits are readable again and the damaged line
  // stays ignored without hiding anything.
  Journal reopened(path, "s");
  reopened.append({7, "g", CellStatus::done});
  CHECK(reopened.read().size() == 2);
  CHECK(posix::read_file(path).find("3 c done 0000") == std::string::npos);
  std::remove(path.c_str());
}

TEST_CASE("read_journal reads a torn journal without changing a byte, opening one cuts the tail", "[store][journal]") {
  const std::string path = temp_path("readonly");
  std::remove(path.c_str());
  Journal(path, "s").append({1, "a", CellStatus::done});
  {
    std::ofstream out(path, std::ios::app);
    out << "2 b do";  // a commit torn mid-append
  }
  const std::string before = posix::read_file(path);
  long ignored = 0;
  CHECK(read_journal(path, "s", &ignored).size() == 1);
  CHECK(ignored == 1);
  CHECK(posix::read_file(path) == before);  // readers such as `status` must not write
  CHECK_THROWS_WITH(read_journal(path, "other"), Catch::Contains("belongs to another sweep"));
  Journal writer(path, "s");  // a writer does cut it, so its appends follow intact lines
  CHECK(posix::read_file(path).size() < before.size());
  CHECK(writer.read().size() == 1);
  std::remove(path.c_str());
}

TEST_CASE("Injected write and fsync faults fail the append and keep earlier commits", "[store][journal]") {
  const std::string path = temp_path("faults");
  std::remove(path.c_str());
  Journal j(path, "s");
  j.append({1, "a", CellStatus::done});

  posix::inject_fault("write", ENOSPC);
  CHECK_THROWS_AS(j.append({2, "b", CellStatus::done}), IoError);
  CHECK(j.read().size() == 1);

  posix::inject_fault("write", EIO, /*short_write=*/true);  // half a line reaches the file
  CHECK_THROWS_AS(j.append({3, "c", CellStatus::done}), IoError);
  long ignored = 0;
  CHECK(j.read(&ignored).size() == 1);
  CHECK(ignored == 0);  // the append took its partial line back
  j.append({5, "e", CellStatus::done});
  CHECK(j.read().size() == 2);

  posix::inject_fault("fsync", EIO);
  CHECK_THROWS_WITH(j.append({4, "d", CellStatus::done}), Catch::Contains("fsync failed"));
  posix::clear_faults();
  std::remove(path.c_str());
}

namespace {

// This process's open descriptors, counted in-process: the directory iterator's own descriptor
// is counted every time alike. (Counting with popen("ls /proc/PID/fd") raced with popen's
// closing of its pipe's other end in the parent: one descriptor more, now and then.)
long open_descriptors() {
  long n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

}  // namespace

TEST_CASE("A failing disk leaks no descriptor and leaves no half-made journal", "[store][journal]") {
  const std::string path = temp_path("leaks");
  std::remove(path.c_str());
  const long before = open_descriptors();
  // creation: the header write, its fsync, the rename
  for (const char* call : {"write", "fsync", "rename"}) {
    posix::inject_fault(call, EIO);
    CHECK_THROWS_AS(Journal(path, "s"), IoError);
    CHECK_FALSE(posix::exists(path));
  }
  // appends, and cutting a torn tail on open
  {
    Journal j(path, "s");
    for (const char* call : {"open", "write", "fsync"}) {
      posix::inject_fault(call, EIO);
      CHECK_THROWS_AS(j.append({1, "a", CellStatus::done}), IoError);
    }
  }
  { std::ofstream(path, std::ios::app) << "7 torn"; }
  posix::inject_fault("fsync", EIO);
  CHECK_THROWS_AS(Journal(path, "s"), IoError);
  posix::clear_faults();
  CHECK(open_descriptors() == before);
  std::remove(path.c_str());
}
