// `npdesweep summarize RESULT.h5 ...`: one table row per run-one result file, so a batch of
// single experiments can be compared at a glance (the sweep store has `query` for this).
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <cstdio>
#include <iostream>
#include <limits>
#include <unistd.h>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "store/h5.hpp"
#include "store/store_reader.hpp"

namespace npde::cli {
namespace {

const char* kHelp = R"(usage: npdesweep summarize RESULT.h5 [RESULT.h5 ...]
       npdesweep summarize STORE.h5

Prints one row per result file written by `npdesweep run-one`, or one row per cell of a sweep
store: the experiment, its stencils, its status, the final training loss, the rollout's relative
L2 error at the horizon (range over the test ICs) and the spectral radius max|lambda| of the
model's and the truth's Jacobians (range over test ICs and analysed states). Opens files
read-only: safe on a store a sweep is writing.
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

void print_header() {
  std::printf("%-16s %-8s %-10s %-10s %-8s %11s %-19s %-13s %-13s\n", "experiment", "case", "train", "infer", "status",
              "final_loss", "rollout_err@T", "max|l|_model", "max|l|_truth");
}

// "lo..hi" of the metrics named prefix@<state> (one per analysed state), "-" if none.
std::string state_range(const ExperimentRow& r, const std::string& prefix) {
  Range range;
  for (const auto& [name, v] : r.metrics)
    if (name.rfind(prefix + "@", 0) == 0) range.add(v);
  return range.str("%.3f");
}

// One row per cell of a sweep store, from the shared read-only store reader.
void summarize_store(const StoreContents& c) {
  std::printf("%-6s %-5s %-8s %-10s %-10s %-8s %11s %-19s %-13s %-13s\n", "id", "N", "case", "train", "infer", "status",
              "final_loss", "rollout_err@T", "max|l|_model", "max|l|_truth");
  for (const ExperimentRow& r : c.rows) {
    const auto metric = [&](const char* name) {
      auto it = r.metrics.find(name);
      return it == r.metrics.end() ? std::nan("") : it->second;
    };
    const double err = metric("rollout_error");
    char err_text[32] = "-";
    if (std::isinf(err)) std::snprintf(err_text, sizeof err_text, "blew up");
    else if (!std::isnan(err)) std::snprintf(err_text, sizeof err_text, "%.3g", err);
    std::printf("%-6ld %-5s %-8s %-10s %-10s %-8s %11.4e %-19s %-13s %-13s\n", r.id, r.keys.at("resolution").c_str(),
                r.keys.at("case").c_str(), r.keys.at("train_stencil").c_str(), r.keys.at("infer_stencil").c_str(),
                r.keys.at("status").c_str(), metric("final_loss"), err_text, state_range(r, "max_lambda").c_str(),
                state_range(r, "truth_max_lambda").c_str());
  }
}

}  // namespace

int summarize(int argc, char** argv) {
  ParsedArgs args;
  try {
    args = parse_args(argc, argv, {}, {"--help", "-h"});
  } catch (const UsageError& e) {
    return report_error("summarize", e, ErrorKind::input);
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
  if (args.positional.size() == 1) {
    bool is_store = false;
    try {
      h5::Object f = h5::open_file_read_only(args.positional[0]);
      is_store = h5::exists(f.id(), "/experiments");
    } catch (const h5::Error& e) {
      if (e.kind() == ErrorKind::io) return report_error("summarize", e, ErrorKind::io);
      // not a store: the result-file path below gives the message
    }
    if (is_store) {
      try {
        summarize_store(read_store(args.positional[0]));
        return kExitOk;
      } catch (const std::exception& e) {
        return report_error("summarize", e, ErrorKind::bad_file);
      }
    }
  }
  print_header();
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
      if (e.kind() == ErrorKind::io) return report_error("summarize", e, ErrorKind::io, path + ": ");
      return report_error("summarize", Error(ErrorKind::bad_file, "not a run-one result file (" + std::string(e.what()) + ")"),
                          ErrorKind::bad_file, path + ": ");
    }
  }
  return kExitOk;
}

}  // namespace npde::cli
