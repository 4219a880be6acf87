#include "numerics/exponential.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <mutex>
#include <new>
#include <stdexcept>

#include <fftw3.h>

namespace npde {
namespace {

constexpr double kPi = 3.14159265358979323846;
using C = std::complex<double>;

// The closed forms, accurate for |z| >= 1 (below, e^z - 1 - ... cancels).
C phi_closed(int j, C z) {
  const C e = std::exp(z);
  switch (j) {
    case 0: return e;
    case 1: return (e - 1.0) / z;
    case 2: return (e - 1.0 - z) / (z * z);
    default: return (e - 1.0 - z - 0.5 * z * z) / (z * z * z);
  }
}

// Kassam and Trefethen's remedy: phi_j is entire, so for |z| < 1 Cauchy's formula on the circle
// |w| = 2, by the trapezoid rule on kPoints points, gives phi_j(z) = mean_m phi_j(w_m) w_m /
// (w_m - z) with error about (|z|/2)^kPoints < 1e-19, from closed forms evaluated at |w| = 2
// where they are accurate. (They centre a circle of radius 1 on z; one centred on 0 keeps every
// point 2 from the cancellation at w = 0 and 1 from the pole at w = z.)
constexpr int kPoints = 64;

ExponentialTable::Coefficient constant(double x) {
  return [x](C) { return C(x); };
}

const std::vector<ExponentialTable>& tables() {
  static const std::vector<ExponentialTable> all = [] {
    std::vector<ExponentialTable> t;
    auto half_exp = [](C z) { return std::exp(0.5 * z); };
    // Lawson: classical RK4 on v = e^(-tL) u, written back in u.
    t.push_back({"ifrk4",
                 "integrating-factor RK4 (Lawson): RK4 on e^(-tL) u, L exact; order 4",
                 4,
                 {0.0, 0.5, 0.5, 1.0},
                 {{},
                  {[](C z) { return 0.5 * std::exp(0.5 * z); }},
                  {{}, constant(0.5)},
                  {{}, {}, half_exp}},
                 {[](C z) { return std::exp(z) / 6.0; }, [](C z) { return std::exp(0.5 * z) / 3.0; },
                  [](C z) { return std::exp(0.5 * z) / 3.0; }, constant(1.0 / 6.0)},
                 2.5,
                 "",
                 1.0});
    // Cox and Matthews (2002), eq. (26)-(29) with phi functions:
    //   a = e^(z/2) u + h/2 phi1(z/2) N(u),  b = e^(z/2) u + h/2 phi1(z/2) N(a),
    //   c = e^(z/2) a + h/2 phi1(z/2) (2 N(b) - N(u)),
    //   u' = e^z u + h [(phi1 - 3 phi2 + 4 phi3) N(u) + (2 phi2 - 4 phi3) (N(a) + N(b)) + (4 phi3 - phi2) N(c)].
    auto half_phi1 = [](C z) { return 0.5 * phi(1, 0.5 * z); };
    t.push_back({"etdrk4",
                 "exponential time differencing RK4 (Cox-Matthews), phi functions by contour integral; order 4",
                 4,
                 {0.0, 0.5, 0.5, 1.0},
                 {{},
                  {half_phi1},
                  {{}, half_phi1},
                  {[](C z) { return 0.5 * phi(1, 0.5 * z) * (std::exp(0.5 * z) - 1.0); }, {},
                   [](C z) { return phi(1, 0.5 * z); }}},
                 {[](C z) { return phi(1, z) - 3.0 * phi(2, z) + 4.0 * phi(3, z); },
                  [](C z) { return 2.0 * phi(2, z) - 4.0 * phi(3, z); },
                  [](C z) { return 2.0 * phi(2, z) - 4.0 * phi(3, z); },
                  [](C z) { return 4.0 * phi(3, z) - phi(2, z); }},
                 2.5,
                 "",
                 // as a truth map it needs two to three times IF-RK4's substeps for the same
                 // spectrum (docs/numerics.md, measured): 1/81 of the tolerance, three times
                 1.0 / 81});
    return t;
  }();
  return all;
}

}  // namespace

const std::vector<ExponentialTable>& exponential_tables() { return tables(); }

C phi(int j, C z) {
  if (j < 0 || j > 3) throw std::invalid_argument("phi_j is defined here for j = 0..3");
  if (j == 0 || std::abs(z) >= 1.0) return phi_closed(j, z);
  C sum = 0.0;
  for (int m = 0; m < kPoints; ++m) {
    const C w = 2.0 * std::exp(C(0.0, 2.0 * kPi * (m + 0.5) / kPoints));
    sum += phi_closed(j, w) * w / (w - z);
  }
  return sum / static_cast<double>(kPoints);
}


const ExponentialTable& exponential_table(const std::string& name) {
  for (const ExponentialTable& t : exponential_tables())
    if (t.name == name) return t;
  throw std::invalid_argument("unknown exponential stepper '" + name + "'");
}

// FFTW's plans for N, made once per size for the whole process (FFTW_ESTIMATE: the same plan,
// so the same bits, on every run) and executed on the stepper's arrays (new-array execute). Two
// pairs: one for arrays aligned as fftw_malloc aligns (SIMD codelets; measured 2.5x faster at
// N = 256) and one for any alignment, for the columns of a block when N is odd. An array's
// alignment is fixed for the run, so each transform always takes the same plan.
struct ExponentialStepper::Plans {
  fftw_plan forward = nullptr, backward = nullptr, forward_any = nullptr, backward_any = nullptr;

  explicit Plans(int n) {
    static std::mutex lock;  // FFTW's planner is not thread-safe
    static std::map<int, std::array<fftw_plan, 4>> plans;
    std::lock_guard<std::mutex> hold(lock);
    auto it = plans.find(n);
    if (it == plans.end()) {
      double* x = fftw_alloc_real(static_cast<size_t>(n));
      fftw_complex* m = fftw_alloc_complex(static_cast<size_t>(n / 2 + 1));
      if (!x || !m) throw std::bad_alloc();
      const std::array<fftw_plan, 4> p = {
          fftw_plan_dft_r2c_1d(n, x, m, FFTW_ESTIMATE), fftw_plan_dft_c2r_1d(n, m, x, FFTW_ESTIMATE),
          fftw_plan_dft_r2c_1d(n, x, m, FFTW_ESTIMATE | FFTW_UNALIGNED),
          fftw_plan_dft_c2r_1d(n, m, x, FFTW_ESTIMATE | FFTW_UNALIGNED)};
      fftw_free(x);
      fftw_free(m);
      for (fftw_plan q : p)
        if (!q) throw std::runtime_error("FFTW could not plan a transform of size " + std::to_string(n));
      it = plans.emplace(n, p).first;
    }
    forward = it->second[0];
    backward = it->second[1];
    forward_any = it->second[2];
    backward_any = it->second[3];
  }
};

ExponentialStepper::ExponentialStepper(const ExponentialTable& table, const Stencil& linear, int n, double h,
                                       int directions)
    : table_(table), n_(n), modes_(n / 2 + 1), h_(h), plans_(std::make_unique<Plans>(n)) {
  const int stages = table.stages();
  // z at each mode, real where the mode is (k = 0, and N/2 for even N): the operator is real.
  std::vector<C> z(static_cast<size_t>(modes_));
  for (int k = 0; k < modes_; ++k) {
    z[static_cast<size_t>(k)] = h * symbol(linear, 2.0 * kPi * k / n);
    if (k == 0 || 2 * k == n) z[static_cast<size_t>(k)] = z[static_cast<size_t>(k)].real();
  }
  const double scale = 1.0 / n;  // FFTW's transforms are unnormalised
  auto multiplier = [&](const ExponentialTable::Coefficient& f, double factor) {
    Modes m(modes_);
    for (int k = 0; k < modes_; ++k) {
      C v = factor * f(z[static_cast<size_t>(k)]);
      if (k == 0 || 2 * k == n) v = v.real();
      m[k] = v;
    }
    return m;
  };
  for (int s = 0; s < stages; ++s) {
    const double cs = table.c[static_cast<size_t>(s)];
    stage_exp_.push_back(multiplier([cs](C x) { return std::exp(cs * x); }, scale));
    a_terms_.emplace_back();
    const auto& row = table.a[static_cast<size_t>(s)];
    for (size_t j = 0; j < row.size(); ++j)
      if (row[j]) a_terms_.back().emplace_back(static_cast<int>(j), multiplier(row[j], h * scale));
    b_.push_back(multiplier(table.b[static_cast<size_t>(s)], h * scale));
  }
  step_exp_ = multiplier([](C x) { return std::exp(x); }, scale);

  u_hat_.resize(modes_);
  scratch_.resize(modes_);
  k_hat_.assign(static_cast<size_t>(stages), Modes(modes_));
  ybar_hat_.assign(static_cast<size_t>(stages), Modes::Zero(modes_));
  y_.resize(n);
  k_.resize(n);
  kbar_.resize(n);
  ybar_.resize(n);
  terms_.reserve(static_cast<size_t>(stages * stages + 1));
  if (directions > 0) {
    // Columns of modes padded to a multiple of 4 modes (64 bytes), so every column starts as
    // aligned as the block and takes the aligned plans; the padding is never read.
    const int padded = (modes_ + 3) / 4 * 4;
    U_hat_.resize(padded, directions);
    K_hat_.assign(static_cast<size_t>(stages), ModeBlock(padded, directions));
    Y_.resize(n, directions);
    K_.resize(n, directions);
  }
}

ExponentialStepper::~ExponentialStepper() = default;

void ExponentialStepper::forward(const double* x, C* modes) const {
  double* in = const_cast<double*>(x);  // an out-of-place r2c transform keeps its input
  auto* out = reinterpret_cast<fftw_complex*>(modes);
  const bool aligned = fftw_alignment_of(in) == 0 && fftw_alignment_of(reinterpret_cast<double*>(out)) == 0;
  fftw_execute_dft_r2c(aligned ? plans_->forward : plans_->forward_any, in, out);
}

void ExponentialStepper::backward(C* modes, double* x) const {
  auto* in = reinterpret_cast<fftw_complex*>(modes);
  const bool aligned = fftw_alignment_of(x) == 0 && fftw_alignment_of(reinterpret_cast<double*>(in)) == 0;
  fftw_execute_dft_c2r(aligned ? plans_->backward : plans_->backward_any, in, x);
}

void ExponentialStepper::combine(const Modes& m0, const C* x0, const std::vector<std::pair<const Modes*, const C*>>& terms,
                                 bool adjoint, C* out) const {
  // Written out in real arithmetic: std::complex's operator* checks for NaN and infinity
  // (Annex G) through a library call per product, several times slower in this loop.
  const double sign = adjoint ? -1.0 : 1.0;  // multiply by conj(m) in the adjoint
  auto madd = [&](const Modes& m, const C* x, bool first) {
    const double* mm = reinterpret_cast<const double*>(m.data());
    const double* xx = reinterpret_cast<const double*>(x);
    double* o = reinterpret_cast<double*>(out);
    for (int k = 0; k < modes_; ++k) {
      const double mr = mm[2 * k], mi = sign * mm[2 * k + 1], xr = xx[2 * k], xi = xx[2 * k + 1];
      const double re = mr * xr - mi * xi, im = mr * xi + mi * xr;
      if (first) {
        o[2 * k] = re;
        o[2 * k + 1] = im;
      } else {
        o[2 * k] += re;
        o[2 * k + 1] += im;
      }
    }
  };
  madd(m0, x0, true);
  for (const auto& [m, x] : terms) madd(*m, x, false);
}

}  // namespace npde
