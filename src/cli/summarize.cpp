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

std::string string_at(const h5::RawData& d, size_t i, size_t width) {
  std::string v(reinterpret_cast<const char*>(d.bytes.data()) + i * width, width);
  return v.substr(0, v.find('\0'));
}

template <class T>
T value_at(const h5::RawData& d, size_t i) {
  T v;
  std::memcpy(&v, d.bytes.data() + i * sizeof(T), sizeof(T));
  return v;
}

Range row_range(hid_t f, const std::string& path, int row, bool last_of_each = false) {
  Range r;
  if (!h5::exists(f, path)) return r;
  const h5::RawData d = h5::read_row(f, path, static_cast<hsize_t>(row));
  const size_t n = d.bytes.size() / sizeof(double);
  const size_t inner = last_of_each && !d.shape.empty() ? d.shape.back() : 1;
  for (size_t i = 0; i < n; ++i)
    if (!last_of_each || i % inner == inner - 1) r.add(value_at<double>(d, i));
  return r;
}

double last_finite(hid_t f, const std::string& path, int row) {
  const h5::RawData d = h5::read_row(f, path, static_cast<hsize_t>(row));
  double v = std::nan("");
  for (size_t i = 0; i < d.bytes.size() / sizeof(double); ++i)
    if (std::isfinite(value_at<double>(d, i))) v = value_at<double>(d, i);
  return v;
}

// Rollout error at the horizon over the test ICs, or "blew up" when every rollout did.
std::string rollout_text(hid_t f, const std::string& group, int row) {
  const Range r = row_range(f, group + "rollout/relative_l2_error", row, true);
  return r.lo > r.hi ? "blew up" : r.str("%.3g");
}

void print_header() {
  std::printf("%-16s %-8s %-10s %-10s %-8s %11s %-19s %-13s %-13s\n", "experiment", "case", "train", "infer", "status",
              "final_loss", "rollout_err@T", "max|l|_model", "max|l|_truth");
}

// One row per cell of a sweep store.
void summarize_store(hid_t f) {
  const h5::RawData train = h5::read_raw(f, "/experiments/train_stencil"), infer = h5::read_raw(f, "/experiments/infer_stencil"),
                    kase = h5::read_raw(f, "/experiments/case"), res = h5::read_raw(f, "/experiments/resolution"),
                    rows = h5::read_raw(f, "/experiments/row"), code = h5::read_raw(f, "/status/code");
  const char* names[] = {"pending", "done", "failed", "diverged"};
  std::printf("%-6s %-5s %-8s %-10s %-10s %-8s %11s %-19s %-13s %-13s\n", "id", "N", "case", "train", "infer", "status",
              "final_loss", "rollout_err@T", "max|l|_model", "max|l|_truth");
  for (size_t i = 0; i < code.bytes.size() / 4; ++i) {
    const int c = value_at<std::int32_t>(code, i), n = value_at<std::int32_t>(res, i), row = value_at<std::int32_t>(rows, i);
    const std::string g = "/results/N" + std::to_string(n) + "/";
    const bool has_row = c == 1 || c == 3;
    std::printf("%-6zu %-5d %-8s %-10s %-10s %-8s %11.4e %-19s %-13s %-13s\n", i, n, string_at(kase, i, 16).c_str(),
                string_at(train, i, 16).c_str(), string_at(infer, i, 16).c_str(), names[c >= 0 && c < 4 ? c : 0],
                has_row ? last_finite(f, g + "training/loss", row) : std::nan(""),
                has_row ? rollout_text(f, g, row).c_str() : "-",
                has_row ? row_range(f, g + "jacobian/model/spectral_radius", row).str("%.3f").c_str() : "-",
                has_row ? row_range(f, g + "jacobian/truth/spectral_radius", row).str("%.3f").c_str() : "-");
  }
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
  if (args.positional.size() == 1) {
    try {
      h5::Object f = h5::open_file_read_only(args.positional[0]);
      if (h5::exists(f.id(), "/experiments")) {
        summarize_store(f.id());
        return kExitOk;
      }
    } catch (const h5::Error&) {
      // not a store: fall through to the result-file path and its message
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
      std::cerr << "npdesweep summarize: " << path << ": not a run-one result file (" << e.what() << ")\n";
      return kExitBadInput;
    }
  }
  return kExitOk;
}

}  // namespace npde::cli
