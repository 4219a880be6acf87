#include "numerics/stencil.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <new>
#include <stdexcept>

#include <fftw3.h>

#include "numerics/fornberg.hpp"

namespace npde {
namespace {

constexpr double kPi = 3.14159265358979323846;

struct ParsedName {
  std::string kind;  // central, forward, backward, spectral
  int accuracy = 0;
};

ParsedName parse_name(const std::string& name) {
  for (const char* kind : {"central", "forward", "backward"}) {
    const std::string k(kind);
    if (name.rfind(k, 0) == 0 && name.size() > k.size()) {
      const std::string digits = name.substr(k.size());
      if (digits.find_first_not_of("0123456789") != std::string::npos) break;
      return {k, std::stoi(digits)};
    }
  }
  if (name == "spectral") return {"spectral", 0};
  throw std::invalid_argument("unknown stencil '" + name + "'");
}

void check_derivative(int derivative) {
  if (derivative < 1 || derivative > 4)
    throw std::invalid_argument("derivative order must be 1..4, got " + std::to_string(derivative));
}

std::vector<int> fd_offsets(const ParsedName& p, int d) {
  std::vector<int> offs;
  if (p.kind == "central") {
    const int m = (d + 1) / 2 + p.accuracy / 2 - 1;
    for (int i = -m; i <= m; ++i) offs.push_back(i);
  } else if (p.kind == "forward") {
    for (int i = 0; i <= d + p.accuracy - 1; ++i) offs.push_back(i);
  } else {  // backward
    for (int i = -(d + p.accuracy - 1); i <= 0; ++i) offs.push_back(i);
  }
  return offs;
}

// Spectral derivative as a circulant row: w_m = (1/N) sum_k (i k)^d exp(-i k m dx), with the
// Nyquist mode's odd derivatives set to zero so the operator stays real.
Stencil spectral_stencil(int d, int n, double dx) {
  Stencil s;
  s.name = "spectral";
  s.derivative = d;
  const double length = n * dx;
  const int lo = -(n / 2), hi = lo + n - 1;
  for (int m = lo; m <= hi; ++m) {
    double sum = 0.0;
    for (int k = -((n - 1) / 2); k <= n / 2; ++k) {
      const bool nyquist = (2 * k == n);
      if (nyquist && d % 2 == 1) continue;
      const double kp = 2.0 * kPi * k / length;
      const std::complex<double> sigma = std::pow(std::complex<double>(0.0, kp), d);
      const double phase = -kp * m * dx;
      sum += (sigma * std::complex<double>(std::cos(phase), std::sin(phase))).real();
    }
    s.offsets.push_back(m);
    s.weights.push_back(sum / n);
  }
  return s;
}

}  // namespace

int Stencil::reach() const {
  int r = 0;
  for (int o : offsets) r = std::max(r, std::abs(o));
  return r;
}

const std::vector<std::string>& stencil_names() {
  static const std::vector<std::string> names = {"forward1", "forward2", "backward1", "backward2", "central2",
                                                 "central4", "central6", "central8", "spectral"};
  return names;
}

bool is_stencil_name(const std::string& name) {
  const auto& names = stencil_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

int stencil_width(const std::string& name, int derivative) {
  if (!is_stencil_name(name)) throw std::invalid_argument("unknown stencil '" + name + "'");
  check_derivative(derivative);
  const ParsedName p = parse_name(name);
  if (p.kind == "spectral") return 0;  // needs the whole grid, any N >= 2 works
  return static_cast<int>(fd_offsets(p, derivative).size());
}

std::vector<double> unit_weights(const std::string& name, int derivative, std::vector<int>* offsets) {
  if (!is_stencil_name(name) || name == "spectral")
    throw std::invalid_argument("no finite-difference weights for stencil '" + name + "'");
  check_derivative(derivative);
  const std::vector<int> offs = fd_offsets(parse_name(name), derivative);
  if (offsets) *offsets = offs;
  return fornberg_weights(derivative, std::vector<double>(offs.begin(), offs.end()));
}

std::vector<TaylorTerm> truncation_terms(const std::string& name, int derivative, int count) {
  std::vector<int> offsets;
  const std::vector<double> w = unit_weights(name, derivative, &offsets);
  // Moments in long double: the weights' sum against m^k cancels to zero for k < d + p.
  double scale = 0;
  for (size_t i = 0; i < w.size(); ++i) scale = std::max(scale, std::abs(w[i]));
  std::vector<TaylorTerm> out;
  long double factorial = 1;
  for (int k = 1; k <= derivative; ++k) factorial *= k;
  for (int k = derivative + 1; static_cast<int>(out.size()) < count && k <= derivative + 40; ++k) {
    factorial *= k;
    long double moment = 0;
    int reach = 0;
    for (size_t i = 0; i < w.size(); ++i) {
      moment += static_cast<long double>(w[i]) * std::pow(static_cast<long double>(offsets[i]), k);
      reach = std::max(reach, std::abs(offsets[i]));
    }
    // zero up to the rounding of weights of size `scale` times m^k
    if (std::abs(moment) <= 1e-11L * scale * std::pow(static_cast<long double>(std::max(reach, 1)), k)) continue;
    out.push_back({k, static_cast<double>(moment / factorial)});
  }
  return out;
}

Stencil make_stencil(const std::string& name, int derivative, int n, double dx) {
  if (!is_stencil_name(name)) throw std::invalid_argument("unknown stencil '" + name + "'");
  check_derivative(derivative);
  if (!(dx > 0.0)) throw std::invalid_argument("grid spacing must be positive");
  if (name == "spectral") {
    if (n < 2) throw std::invalid_argument("spectral derivative needs N >= 2");
    return spectral_stencil(derivative, n, dx);
  }
  Stencil s;
  s.name = name;
  s.derivative = derivative;
  s.weights = unit_weights(name, derivative, &s.offsets);
  const int width = static_cast<int>(s.offsets.size());
  if (n < width)
    throw std::invalid_argument("stencil " + name + " for derivative " + std::to_string(derivative) + " needs " +
                                std::to_string(width) + " points but N = " + std::to_string(n));
  const double scale = std::pow(dx, -derivative);
  for (double& w : s.weights) w *= scale;
  return s;
}

Stencil combine(const std::vector<std::pair<double, Stencil>>& terms) {
  std::map<int, double> sum;
  for (const auto& [c, s] : terms)
    for (size_t i = 0; i < s.offsets.size(); ++i) sum[s.offsets[i]] += c * s.weights[i];
  Stencil out;
  out.name = "combined";
  for (const auto& [o, w] : sum) {
    out.offsets.push_back(o);
    out.weights.push_back(w);
  }
  return out;
}

std::complex<double> symbol(const Stencil& s, double theta) {
  std::complex<double> z = 0.0;
  for (size_t i = 0; i < s.offsets.size(); ++i)
    z += s.weights[i] * std::complex<double>(std::cos(s.offsets[i] * theta), std::sin(s.offsets[i] * theta));
  return z;
}

double spectral_radius(const Stencil& s, int n) {
  double r = 0.0;
  for (int k = 0; k <= n / 2; ++k) r = std::max(r, std::abs(symbol(s, 2.0 * kPi * k / n)));
  return r;
}

Eigen::MatrixXd dense_matrix(const Stencil& s, int n) {
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(n, n);
  for (int j = 0; j < n; ++j)
    for (size_t i = 0; i < s.offsets.size(); ++i) {
      const int col = ((j + s.offsets[i]) % n + n) % n;
      a(j, col) += s.weights[i];
    }
  return a;
}

// The FFT form of a circulant operator: the operator's symbol at the N/2 + 1 modes of a real
// transform, and FFTW's plans for N (made once per size, FFTW_ESTIMATE: the same plan, so the
// same bits, on every run; MEASURE would pick by timing) applied to this operator's own aligned
// buffers with FFTW's new-array execute.
struct PeriodicOperator::Fft {
  int n = 0;
  std::vector<std::complex<double>> symbol;  // scaled by 1/N (FFTW's transforms are unnormalised)
  fftw_plan forward = nullptr, backward = nullptr;
  double* real = nullptr;
  fftw_complex* modes = nullptr;

  Fft(const Stencil& s, int size) : n(size) {
    for (int k = 0; k <= n / 2; ++k) symbol.push_back(npde::symbol(s, 2.0 * kPi * k / n) / static_cast<double>(n));
    allocate();
  }
  Fft(const Fft& o) : n(o.n), symbol(o.symbol) { allocate(); }
  Fft& operator=(const Fft&) = delete;
  ~Fft() {
    fftw_free(real);
    fftw_free(modes);
  }

  void allocate() {
    real = static_cast<double*>(fftw_malloc(sizeof(double) * static_cast<size_t>(n)));
    modes = static_cast<fftw_complex*>(fftw_malloc(sizeof(fftw_complex) * static_cast<size_t>(n / 2 + 1)));
    if (!real || !modes) throw std::bad_alloc();
    // One pair of plans per size for the whole process (plans outlive every operator). FFTW's
    // planner is not thread-safe: plans are made under a lock.
    static std::mutex lock;
    static std::map<int, std::pair<fftw_plan, fftw_plan>> plans;
    std::lock_guard<std::mutex> hold(lock);
    auto it = plans.find(n);
    if (it == plans.end()) {
      // Planned on scratch arrays (ESTIMATE does not touch them): new-array execution needs
      // only the same sizes and alignment, which fftw_malloc gives every buffer.
      const fftw_plan f = fftw_plan_dft_r2c_1d(n, real, modes, FFTW_ESTIMATE);
      const fftw_plan b = fftw_plan_dft_c2r_1d(n, modes, real, FFTW_ESTIMATE);
      if (!f || !b) throw std::runtime_error("FFTW could not plan a transform of size " + std::to_string(n));
      it = plans.emplace(n, std::make_pair(f, b)).first;
    }
    forward = it->second.first;
    backward = it->second.second;
  }
};

PeriodicOperator::PeriodicOperator() = default;
PeriodicOperator::~PeriodicOperator() = default;
PeriodicOperator::PeriodicOperator(PeriodicOperator&&) noexcept = default;
PeriodicOperator& PeriodicOperator::operator=(PeriodicOperator&&) noexcept = default;

PeriodicOperator::PeriodicOperator(const PeriodicOperator& o)
    : stencil_(o.stencil_),
      n_(o.n_),
      reach_(o.reach_),
      transpose_offsets_(o.transpose_offsets_),
      ghosted_(o.ghosted_),
      fft_(o.fft_ ? std::make_unique<Fft>(*o.fft_) : nullptr) {}

PeriodicOperator& PeriodicOperator::operator=(const PeriodicOperator& o) {
  if (this != &o) {
    PeriodicOperator copy(o);
    *this = std::move(copy);
  }
  return *this;
}

PeriodicOperator::PeriodicOperator(const Stencil& s, int n, Form form) : stencil_(s), n_(n), reach_(s.reach()) {
  for (int o : s.offsets) transpose_offsets_.push_back(-o);
  if (form == Form::fft || (form == Form::automatic && static_cast<int>(s.offsets.size()) >= kFftMinEntries)) {
    fft_ = std::make_unique<Fft>(s, n);
    return;
  }
  ghosted_.assign(static_cast<size_t>(n + 2 * reach_), 0.0);
}

void PeriodicOperator::fft_apply_add(double alpha, const double* u, double* out, bool transpose) const {
  Fft& f = *fft_;
  std::copy(u, u + n_, f.real);
  fftw_execute_dft_r2c(f.forward, f.real, f.modes);
  for (int k = 0; k <= n_ / 2; ++k) {
    const std::complex<double> s = transpose ? std::conj(f.symbol[static_cast<size_t>(k)]) : f.symbol[static_cast<size_t>(k)];
    const std::complex<double> m = alpha * s * std::complex<double>(f.modes[k][0], f.modes[k][1]);
    f.modes[k][0] = m.real();
    f.modes[k][1] = m.imag();
  }
  fftw_execute_dft_c2r(f.backward, f.modes, f.real);
  for (int j = 0; j < n_; ++j) out[j] += f.real[j];
}

void PeriodicOperator::fill_ghosts(const double* u) const {
  double* g = ghosted_.data();
  std::copy(u, u + n_, g + reach_);
  for (int i = 0; i < reach_; ++i) {
    g[reach_ - 1 - i] = u[((n_ - 1 - i) % n_ + n_) % n_];
    g[reach_ + n_ + i] = u[i % n_];
  }
}

void PeriodicOperator::accumulate(const std::vector<int>& offs, double alpha, double* out) const {
  const double* g = ghosted_.data() + reach_;
  for (size_t i = 0; i < offs.size(); ++i) {
    const double w = alpha * stencil_.weights[i];
    const double* src = g + offs[i];
    for (int j = 0; j < n_; ++j) out[j] += w * src[j];
  }
}

void PeriodicOperator::apply(const double* u, double* out) const {
  std::fill(out, out + n_, 0.0);
  apply_add(1.0, u, out);
}

void PeriodicOperator::apply_add(double alpha, const double* u, double* out) const {
  if (fft_) return fft_apply_add(alpha, u, out, false);
  fill_ghosts(u);
  accumulate(stencil_.offsets, alpha, out);
}

void PeriodicOperator::apply_add_block(double alpha, const Eigen::MatrixXd& U, Eigen::MatrixXd& out) const {
  // Column by column, all stencil entries while the column is in L1: the blocks themselves are
  // larger than L2 for N = 256, so entry-by-entry sweeps over whole blocks are bandwidth bound.
  const int n = n_;
  if (fft_) {
    for (long c = 0; c < U.cols(); ++c) fft_apply_add(alpha, U.col(c).data(), out.col(c).data(), false);
    return;
  }
  for (long c = 0; c < U.cols(); ++c) {
    const double* u = U.col(c).data();
    double* y = out.col(c).data();
    for (size_t i = 0; i < stencil_.offsets.size(); ++i) {
      const double w = alpha * stencil_.weights[i];
      const int o = ((stencil_.offsets[i] % n) + n) % n;  // row j reads row (j + o) mod n
      for (int j = 0; j < n - o; ++j) y[j] += w * u[j + o];
      for (int j = n - o; j < n; ++j) y[j] += w * u[j + o - n];
    }
  }
}

void PeriodicOperator::apply_transpose_add(double alpha, const double* u, double* out) const {
  if (fft_) return fft_apply_add(alpha, u, out, true);
  fill_ghosts(u);
  accumulate(transpose_offsets_, alpha, out);
}

}  // namespace npde
