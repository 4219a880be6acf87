// The truth cache's entries: exact round trip, a miss for a key never kept, a damaged entry
// (checksum) and an entry of another key under the same file name are misses counted as damaged,
// and a failing write costs only the entry.
#include <catch2/catch.hpp>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <unistd.h>

#include "store/posix_io.hpp"
#include "store/truth_cache.hpp"

using namespace npde;

namespace {

std::string fresh_directory(const std::string& name) {
  const std::string d = "/tmp/npdesweep_truth_" + std::to_string(getpid()) + "_" + name;
  std::system(("rm -rf " + d).c_str());
  return d;
}

}  // namespace

TEST_CASE("A kept truth entry reads back bit for bit, NaN and -0 included", "[store][truth]") {
  TruthCache cache(fresh_directory("roundtrip"));
  const std::vector<double> values{1.0, -0.0, 1e-300, std::numeric_limits<double>::quiet_NaN(), 0.1 + 0.2};
  CHECK_FALSE(cache.find_values("key a").has_value());
  cache.keep_values("key a", values);
  const auto back = cache.find_values("key a");
  REQUIRE(back.has_value());
  REQUIRE(back->size() == values.size());
  CHECK(std::memcmp(back->data(), values.data(), values.size() * sizeof(double)) == 0);
  CHECK(cache.kept == 1);
  CHECK(cache.found == 1);
  CHECK(cache.damaged == 0);
  CHECK_FALSE(cache.find_values("key b").has_value());
}

TEST_CASE("A damaged truth entry, or another key's entry under its name, is a miss", "[store][truth]") {
  TruthCache cache(fresh_directory("damaged"));
  cache.keep_values("key a", {1.0, 2.0, 3.0});
  const std::string path = cache.path_of("key a");
  std::string bytes = posix::read_file(path);
  SECTION("one flipped bit in the numbers") {
    bytes[bytes.size() - 10] ^= 0x01;
    posix::write_file_atomic(path, bytes, false);
    CHECK_FALSE(cache.find_values("key a").has_value());
    CHECK(cache.damaged == 1);
  }
  SECTION("cut short") {
    posix::write_file_atomic(path, bytes.substr(0, bytes.size() / 2), false);
    CHECK_FALSE(cache.find_values("key a").has_value());
    CHECK(cache.damaged == 1);
  }
  SECTION("another key's complete entry under this key's name (a hash collision)") {
    cache.keep_values("key b", {1.0, 2.0, 3.0});
    posix::write_file_atomic(path, posix::read_file(cache.path_of("key b")), false);
    CHECK_FALSE(cache.find_values("key a").has_value());
    CHECK(cache.damaged == 1);
    CHECK(cache.find_values("key b").has_value());
  }
}

TEST_CASE("A truth entry that cannot be written costs only the entry", "[store][truth]") {
  TruthCache cache("/proc/npdesweep-no-such-place/truth");
  CHECK_NOTHROW(cache.keep_values("key a", {1.0}));
  CHECK(cache.unkept == 1);
  CHECK(cache.kept == 0);
  CHECK_FALSE(cache.find_values("key a").has_value());
}
