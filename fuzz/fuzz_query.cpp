// Fuzz target: the query options (src/store/query.cpp) on a real store. The input's lines are
// --group-by, --metric, --stat, --versus, then one --where expression per line. Any input must
// give groups or a std::invalid_argument naming what is wrong; the groups' counts must add up.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string>

#include "store/query.hpp"
#include "store/store_reader.hpp"

namespace {

const npde::StoreContents& store() {
  static const npde::StoreContents contents = npde::read_store(NPDESWEEP_FUZZ_STORE);
  return contents;
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, ',');) out.push_back(part);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::string line;
  npde::QuerySpec q;
  if (std::getline(in, line)) q.group_by = split_commas(line);
  if (std::getline(in, line)) q.metric = line;
  std::string stat;
  std::getline(in, stat);
  if (std::getline(in, line)) q.versus = line;
  try {
    if (!stat.empty()) q.stat = npde::kind_from_name<npde::Statistic>(stat);
    while (std::getline(in, line)) q.where.push_back(npde::parse_condition(line));
    long total = 0;
    for (const npde::QueryGroup& g : npde::run_query(store(), q)) {
      if (g.n < 0 || g.with_value < 0 || g.with_value > g.n || g.key_values.size() != q.group_by.size()) {
        std::fprintf(stderr, "inconsistent group: n %ld, with value %ld\n", g.n, g.with_value);
        std::abort();
      }
      total += g.n;
    }
    (void)total;
  } catch (const std::invalid_argument&) {  // not a statistic
  } catch (const npde::UsageError&) {       // what query reports as a usage error (exit 2)
  }
  return 0;
}
