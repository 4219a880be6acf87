// Progress lines give durations in the units people read.
#include <catch2/catch.hpp>

#include <cmath>

#include "sched/scheduler.hpp"

using npde::sched::format_duration;

TEST_CASE("format_duration: seconds, minutes and seconds, hours and minutes", "[sched]") {
  CHECK(format_duration(0) == "0 s");
  CHECK(format_duration(44.6) == "45 s");
  CHECK(format_duration(60) == "1 min 00 s");
  CHECK(format_duration(200) == "3 min 20 s");
  CHECK(format_duration(3600) == "1 h 00 min");
  CHECK(format_duration(7500) == "2 h 05 min");
  CHECK(format_duration(-1) == "unknown");
  CHECK(format_duration(std::nan("")) == "unknown");
  CHECK(format_duration(1e300) == "unknown");
}
