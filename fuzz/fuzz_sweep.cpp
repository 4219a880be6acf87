// Fuzz target: sweep-file text -> parser, validation and grid (src/input/sweep_file.cpp). Any
// input must either be refused with an InputError or give a sweep whose canonical text (the
// store's `sweep_toml`, which status, query and repair read back) reads back to itself; small
// grids are enumerated and each cell's canonical job text is computed.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "input/canonical.hpp"
#include "input/input_error.hpp"
#include "input/sweep_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  npde::SweepSpec sweep;
  try {
    sweep = npde::read_sweep_text(text, "fuzz.toml");
  } catch (const npde::InputError&) {
    return 0;
  }
  const std::string canonical = npde::canonical_sweep_toml(sweep);
  std::string again;
  try {
    again = npde::canonical_sweep_toml(npde::read_sweep_text(canonical, "sweep_toml"));
  } catch (const npde::InputError& e) {
    std::fprintf(stderr, "an accepted sweep's canonical text is refused: %s\n%s\n", e.what(), canonical.c_str());
    std::abort();
  }
  if (again != canonical) {
    std::fprintf(stderr, "canonical text does not read back to itself:\n%s\n---\n%s\n", canonical.c_str(), again.c_str());
    std::abort();
  }
  if (sweep.product() <= 64)
    for (const npde::GridCell& cell : npde::enumerate_cells(sweep)) (void)npde::content_hash(npde::canonical_toml(cell.spec));
  return 0;
}
