// "Did you mean": the closest name within a typo's distance, nothing when none is close.
#include <catch2/catch.hpp>

#include "input/suggest.hpp"

using namespace npde;

TEST_CASE("edit_distance and did_you_mean", "[spec][suggest]") {
  CHECK(edit_distance("query", "quer") == 1);
  CHECK(edit_distance("max_lamda", "max_lambda") == 1);
  CHECK(edit_distance("", "abc") == 3);
  const std::vector<std::string> commands = {"run-one", "run", "query", "export", "status", "summarize"};
  CHECK(did_you_mean("quer", commands) == "; did you mean 'query'?");
  CHECK(did_you_mean("exprot", commands) == "; did you mean 'export'?");
  CHECK(did_you_mean("plot", commands).empty());       // nothing close
  CHECK(did_you_mean("query", commands).empty());      // itself is no suggestion
  CHECK(closest_name("rollout_error@31", {"rollout_error@30", "rollout_error@1"}) == "rollout_error@30");
  // long names allow a third of their length: a swapped pair of words' letters is still close
  CHECK(closest_name("fit_discrete_se@advcetion", {"fit_discrete_se@advection", "fit_physics_se@advection"}) ==
        "fit_discrete_se@advection");
}
