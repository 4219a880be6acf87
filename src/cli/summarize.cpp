// `npdesweep summarize RESULT.h5 ...`: one table row per run-one result file, so a batch of
// single experiments can be compared at a glance (the sweep store has `query` for this).
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <iostream>
#include <limits>
#include <unistd.h>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "store/h5.hpp"

namespace npde::cli {
namespace {

const char* kHelp = R"(usage: npdesweep summarize RESULT.h5 [RESULT.h5 ...]

Prints one row per result file written by `npdesweep run-one`: the experiment, its stencils,
the final training loss, the rollout's relative L2 error at the horizon (range over the test
ICs) and the spectral radius max|lambda| of the model's and the truth's Jacobians (range over
test ICs and analysed states).
)";

struct Range {
  double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (std::isnan(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  std::string str(const char* f) const {
    if (lo > hi) return "-";
    char a[32], b[32];
    std::snprintf(a, sizeof a, f, lo);
    std::snprintf(b, sizeof b, f, hi);
    return lo == hi ? std::string(a) : std::string(a) + ".." + b;
  }
};

Range range_of(hid_t file, const std::string& path, long stride = 1, long offset = 0) {
  Range r;
  if (!h5::exists(file, path)) return r;
  const std::vector<double> v = h5::read_doubles(file, path);
  for (size_t i = static_cast<size_t>(offset); i < v.size(); i += static_cast<size_t>(stride)) r.add(v[i]);
  return r;
}

}  // namespace

int summarize(int argc, char** argv) {
  ParsedArgs args;
  try {
    args = parse_args(argc, argv, {}, {"--help", "-h"});
  } catch (const UsageError& e) {
    std::cerr << "npdesweep summarize: " << e.what() << " (see npdesweep summarize --help)\n";
    return kExitBadInput;
  }
  if (args.has("--help") || args.has("-h")) {
    std::cout << kHelp;
    return kExitOk;
  }
  if (args.positional.empty()) {
    std::cerr << "npdesweep summarize: expected result files (see npdesweep summarize --help)\n";
    return kExitBadInput;
  }
  for (const std::string& path : args.positional)
    if (access(path.c_str(), R_OK) != 0) {
      std::cerr << "npdesweep summarize: " << path << ": cannot read the file: " << std::strerror(errno) << "\n";
      return kExitBadInput;
    }
  std::printf("%-16s %-8s %-10s %-10s %-8s %11s %-19s %-13s %-13s\n", "experiment", "case", "train", "infer", "status",
              "final_loss", "rollout_err@T", "max|l|_model", "max|l|_truth");
  for (const std::string& path : args.positional) {
    try {
      h5::Object f = h5::open_file_read_only(path);
      const std::string status = h5::read_string_attribute(f.id(), ".", "status");
      const std::vector<double> loss = h5::read_doubles(f.id(), "/training/loss");
      std::vector<hsize_t> shape;
      Range err;
      if (h5::exists(f.id(), "/rollout/relative_l2_error")) {
        const std::vector<double> e = h5::read_doubles(f.id(), "/rollout/relative_l2_error", &shape);
        for (hsize_t t = 0; t < shape[0]; ++t) err.add(e[(t + 1) * shape[1] - 1]);
      }
      std::printf("%-16s %-8s %-10s %-10s %-8s %11.4e %-19s %-13s %-13s\n",
                  h5::read_string_attribute(f.id(), ".", "name").c_str(),
                  h5::read_string_attribute(f.id(), ".", "case").c_str(),
                  h5::read_string_attribute(f.id(), ".", "train_stencil").c_str(),
                  h5::read_string_attribute(f.id(), ".", "infer_stencil").c_str(), status.c_str(),
                  loss.empty() ? std::nan("") : loss.back(), err.str("%.3g").c_str(),
                  range_of(f.id(), "/jacobian/model/spectral_radius").str("%.3f").c_str(),
                  range_of(f.id(), "/jacobian/truth/spectral_radius").str("%.3f").c_str());
    } catch (const h5::Error& e) {
      std::cerr << "npdesweep summarize: " << path << ": not a run-one result file (" << e.what() << ")\n";
      return kExitBadInput;
    }
  }
  return kExitOk;
}

}  // namespace npde::cli
