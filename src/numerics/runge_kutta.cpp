#include "numerics/runge_kutta.hpp"

#include <algorithm>
#include <stdexcept>

namespace npde {
namespace {

// Fills c from the rows (c_s = sum_j a_sj), so the tables below state each coefficient once.
ButcherTable with_c(ButcherTable t) {
  t.c.clear();
  for (const auto& row : t.a) {
    double sum = 0;
    for (double x : row) sum += x;
    t.c.push_back(sum);
  }
  return t;
}

// Tsitouras (2011) gives the first column implicitly, a_s1 = c_s - sum_{j>1} a_sj.
ButcherTable tsit5() {
  const double c[6] = {0.0, 0.161, 0.327, 0.9, 0.9800255409045097, 1.0};
  std::vector<std::vector<double>> a = {
      {},
      {0.0},
      {0.0, 0.3354806554923570},
      {0.0, -6.359448489975075, 4.362295432869581},
      {0.0, -11.74888356406283, 7.495539342889836, -0.09249506636175525},
      {0.0, -12.92096931784711, 8.159367898576159, -0.07158497328140100, -0.02826905039406838}};
  for (int s = 1; s < 6; ++s) {
    double rest = 0;
    for (size_t j = 1; j < a[s].size(); ++j) rest += a[s][j];
    a[s][0] = c[s] - rest;
  }
  ButcherTable t{"tsit5", "Tsitouras 5(4), fixed step (6 stages; the FSAL stage is not needed)", 5, a, {},
                 {0.09646076681806523, 0.01, 0.4798896504144996, 1.379008574103742, -3.290069515436081,
                  2.324710524099774},
                 1.0, {}, 0.45, 0.0, ""};
  return with_c(t);
}

std::vector<std::vector<double>> dopri5_rows() {
  return {{},
          {1.0 / 5},
          {3.0 / 40, 9.0 / 40},
          {44.0 / 45, -56.0 / 15, 32.0 / 9},
          {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
          {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656}};
}

}  // namespace

const std::vector<ButcherTable>& butcher_tables() {
  static const std::vector<ButcherTable> all = [] {
    std::vector<ButcherTable> t;
    t.push_back(with_c({"rk4", "classical RK4", 4, {{}, {0.5}, {0.0, 0.5}, {0.0, 0.0, 1.0}}, {}, {1.0, 2.0, 2.0, 1.0},
                        6.0, {}, 2.5, 0.0, "RK4"}));
    t.push_back(with_c({"ssprk3", "strong-stability-preserving RK3 of Shu and Osher, order 3", 3,
                        {{}, {1.0}, {0.25, 0.25}}, {}, {1.0, 1.0, 4.0}, 6.0, {}, 1.7, 0.0, ""}));
    t.push_back(with_c({"heun", "Heun's method (explicit trapezoid), order 2", 2, {{}, {1.0}}, {}, {1.0, 1.0}, 2.0, {},
                        0.25, 1e-3, ""}));
    t.push_back(tsit5());
    t.push_back(with_c({"dp5", "Dormand-Prince 5, fixed step (6 stages; the FSAL stage is not needed)", 5,
                        dopri5_rows(), {}, {35.0 / 384, 0.0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84},
                        1.0, {}, 0.95, 0.0, ""}));
    return t;
  }();
  return all;
}

const ButcherTable& butcher_table(const std::string& name) {
  for (const ButcherTable& t : butcher_tables())
    if (t.name == name) return t;
  throw std::invalid_argument("unknown stepper '" + name + "'");
}

const ButcherTable& dopri5_pair() {
  static const ButcherTable t = [] {
    std::vector<std::vector<double>> a = dopri5_rows();
    a.push_back({35.0 / 384, 0.0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84});  // FSAL: y5
    return with_c({"dopri5", "Dormand-Prince 5(4) with FSAL, adaptive", 5, a, {},
                   {35.0 / 384, 0.0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0.0}, 1.0,
                   {5179.0 / 57600, 0.0, 7571.0 / 16695, 393.0 / 640, -92097.0 / 339200, 187.0 / 2100, 1.0 / 40},
                   0.95, 0.0, ""});
  }();
  return t;
}

std::complex<double> amplification(const ButcherTable& t, std::complex<double> z) {
  // Forward substitution of (I - z A) g = 1 (A strictly lower triangular), then 1 + z b.g.
  const int s = t.stages();
  std::vector<std::complex<double>> g(static_cast<size_t>(s));
  std::complex<double> sum = 0.0;
  for (int i = 0; i < s; ++i) {
    std::complex<double> gi = 1.0;
    for (size_t j = 0; j < t.a[static_cast<size_t>(i)].size(); ++j) gi += z * t.a[static_cast<size_t>(i)][j] * g[j];
    g[static_cast<size_t>(i)] = gi;
    sum += t.b(i) * gi;
  }
  return 1.0 + z * sum;
}

}  // namespace npde
