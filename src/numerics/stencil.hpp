#pragma once
// Named finite-difference stencils on a uniform periodic grid.
//
// A name is <kind><accuracy> (central2/4/6/8, forward1/2, backward1/2) or `spectral`; together
// with a derivative order (1..4) it fixes the offsets (docs/science.md, "Grid and stencils") and
// Fornberg gives the weights. `spectral` is the exact Fourier derivative written as a full
// circulant row, so every stencil is applied by the same periodic code.
#include <complex>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Dense>

namespace npde {

struct Stencil {
  std::string name;             // "central6", "spectral", or "combined" for a weighted sum
  int derivative = 0;           // 1..4; 0 for a combined operator of mixed orders
  std::vector<int> offsets;     // grid offsets m: (D u)_j = sum_i weights[i] * u_{j + offsets[i]}
  std::vector<double> weights;  // already divided by dx^derivative

  int reach() const;  // max |offset|
};

// The stencil names a job or sweep may use, in a fixed order (for help texts and errors).
const std::vector<std::string>& stencil_names();
bool is_stencil_name(const std::string& name);

// Points the stencil needs on the periodic grid (width); spectral needs all N.
int stencil_width(const std::string& name, int derivative);

// Builds the stencil for derivative order 1..4 on N points of spacing dx.
// Throws std::invalid_argument for an unknown name or when N is smaller than its width.
Stencil make_stencil(const std::string& name, int derivative, int n, double dx);

// Unit-spacing weights (not divided by dx^d) straight from Fornberg, for checking tables.
std::vector<double> unit_weights(const std::string& name, int derivative, std::vector<int>* offsets);

// The Taylor expansion of a finite-difference stencil for derivative d on a smooth u:
//   (D u)_j = u^(d)(x_j) + sum_{k > d} c_k dx^(k-d) u^(k)(x_j),   c_k = sum_i w_i m_i^k / k!
// (w_i the unit-spacing Fornberg weights at offsets m_i): what a network that learned the stencil
// instead of the derivative has learned besides it. The first `count` non-zero terms after the
// derivative itself, in increasing order k (a stencil of accuracy p starts at k = d + p), e.g.
// backward1, d = 1: {2, -1/2} (D u = u' - (dx/2) u'' + ...). Not for `spectral` (exact on the grid).
struct TaylorTerm {
  int order = 0;            // k
  double coefficient = 0;   // c_k
};
std::vector<TaylorTerm> truncation_terms(const std::string& name, int derivative, int count = 1);

// sum_i c_i S_i as one stencil on the union of offsets (used to fuse a PDE's linear terms).
Stencil combine(const std::vector<std::pair<double, Stencil>>& terms);

// Fourier symbol: S applied to exp(i k x_j) gives symbol(S, k dx) * exp(i k x_j).
std::complex<double> symbol(const Stencil& s, double theta);
// max over the N grid wavenumbers of |symbol|: the operator's spectral radius on the grid.
double spectral_radius(const Stencil& s, int n);

// The N x N circulant matrix of the stencil (for analysis and tests, never in a hot loop).
Eigen::MatrixXd dense_matrix(const Stencil& s, int n);

// Applies a stencil on the periodic grid with no allocation. A stencil of few entries: in
// O(N * width), the state copied once into a buffer with `reach` ghost points each side, then
// each entry one contiguous axpy. One of many entries (the spectral derivative, or a sum with
// one): in O(N log N) through the FFT (FFTW3), multiplying each Fourier mode by the operator's
// symbol computed from its weights, so both forms apply the same circulant operator (they differ
// by rounding only); kFftMinEntries says which. Holds its own buffers: one operator per thread.
class PeriodicOperator {
 public:
  // A stencil of at least this many entries goes through the FFT. Measured (bench/bench_stencil.cpp,
  // docs/performance.md): the FFT beats the direct form for the spectral stencil at every N >= 16
  // (1.5x at 16, 8x at 256) and loses to it for finite differences (at most 13 entries) at every
  // N >= 20; so spectral stencils of N >= 16 and sums with them go through the FFT.
  static constexpr int kFftMinEntries = 16;

  enum class Form { automatic, direct, fft };  // direct and fft: for tests and benchmarks

  PeriodicOperator();
  PeriodicOperator(const Stencil& s, int n, Form form = Form::automatic);
  PeriodicOperator(const PeriodicOperator& other);
  PeriodicOperator& operator=(const PeriodicOperator& other);
  PeriodicOperator(PeriodicOperator&&) noexcept;
  PeriodicOperator& operator=(PeriodicOperator&&) noexcept;
  ~PeriodicOperator();

  bool uses_fft() const { return fft_ != nullptr; }

  int size() const { return n_; }
  const Stencil& stencil() const { return stencil_; }

  void apply(const double* u, double* out) const;                    // out = S u
  void apply_add(double alpha, const double* u, double* out) const;  // out += alpha S u
  void apply_transpose_add(double alpha, const double* u, double* out) const;  // out += alpha S^T u
  // out += alpha S U for every column of U at once (tangent blocks): each stencil entry is two
  // block updates (the shifted rows and their periodic wrap), no ghost copies.
  void apply_add_block(double alpha, const Eigen::MatrixXd& U, Eigen::MatrixXd& out) const;

 private:
  void fill_ghosts(const double* u) const;
  void accumulate(const std::vector<int>& offs, double alpha, double* out) const;
  // out += alpha S u (or S^T u) through the FFT
  void fft_apply_add(double alpha, const double* u, double* out, bool transpose) const;

  struct Fft;  // FFTW plans, the symbol and aligned buffers (stencil.cpp)

  Stencil stencil_;
  int n_ = 0;
  int reach_ = 0;
  std::vector<int> transpose_offsets_;
  mutable std::vector<double> ghosted_;
  std::unique_ptr<Fft> fft_;
};

}  // namespace npde
