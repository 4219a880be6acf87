// Fuzz target: job-file text -> parser and validation (src/input/job_file.cpp). Any input must
// either be refused with an InputError or give a spec whose canonical text reads back to
// itself (a store, a shard and `run-one` all depend on that round trip).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "input/canonical.hpp"
#include "input/input_error.hpp"
#include "input/job_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  npde::ExperimentSpec spec;
  try {
    spec = npde::read_job_text(text, "fuzz.toml");
  } catch (const npde::InputError&) {
    return 0;  // refused with file, line and key: the expected outcome for most inputs
  }
  const std::string canonical = npde::canonical_toml(spec);
  std::string again;
  try {
    again = npde::canonical_toml(npde::read_job_text(canonical, "canonical.toml"));
  } catch (const npde::InputError& e) {
    std::fprintf(stderr, "an accepted job's canonical text is refused: %s\n%s\n", e.what(), canonical.c_str());
    std::abort();
  }
  if (again != canonical) {
    std::fprintf(stderr, "canonical text does not read back to itself:\n%s\n---\n%s\n", canonical.c_str(), again.c_str());
    std::abort();
  }
  return 0;
}
