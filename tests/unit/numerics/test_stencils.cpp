// Stencils: Fornberg weights against the textbook table, exact circulant structure, measured
// convergence orders, and the spectral derivative's exactness on band-limited data.
#include <catch2/catch.hpp>

#include <cmath>

#include "numerics/stencil.hpp"

using namespace npde;

namespace {

std::vector<double> scaled(std::vector<double> w, double factor) {
  for (double& x : w) x /= factor;
  return w;
}

void require_weights(const std::string& name, int d, const std::vector<int>& offsets, const std::vector<double>& expected) {
  std::vector<int> offs;
  const std::vector<double> w = unit_weights(name, d, &offs);
  INFO(name << " d" << d);
  REQUIRE(offs == offsets);
  REQUIRE(w.size() == expected.size());
  for (size_t i = 0; i < w.size(); ++i) CHECK(w[i] == Approx(expected[i]).margin(1e-13));
}

// u = sin(x) + 0.3 cos(2x) on [0, 2 pi) and its derivatives.
double test_function(double x, int d) {
  auto deriv_sin = [](double y, int k) {
    switch (k % 4) {
      case 0: return std::sin(y);
      case 1: return std::cos(y);
      case 2: return -std::sin(y);
      default: return -std::cos(y);
    }
  };
  return deriv_sin(x, d) + 0.3 * std::pow(2.0, d) * deriv_sin(2 * x + M_PI / 2, d);
}

double max_error(const std::string& name, int d, int n) {
  const double dx = 2 * M_PI / n;
  const Stencil s = make_stencil(name, d, n, dx);
  PeriodicOperator op(s, n);
  std::vector<double> u(n), du(n);
  for (int j = 0; j < n; ++j) u[j] = test_function(j * dx, 0);
  op.apply(u.data(), du.data());
  double e = 0;
  for (int j = 0; j < n; ++j) e = std::max(e, std::abs(du[j] - test_function(j * dx, d)));
  return e;
}

int nominal_order(const std::string& name) { return name.back() - '0'; }

}  // namespace

TEST_CASE("Fornberg weights equal the table in docs/science.md", "[numerics][stencil]") {
  require_weights("backward1", 1, {-1, 0}, {-1, 1});
  require_weights("central2", 1, {-1, 0, 1}, scaled({-1, 0, 1}, 2));
  require_weights("central6", 1, {-3, -2, -1, 0, 1, 2, 3}, scaled({-1, 9, -45, 0, 45, -9, 1}, 60));
  require_weights("central6", 2, {-3, -2, -1, 0, 1, 2, 3}, scaled({2, -27, 270, -490, 270, -27, 2}, 180));
  require_weights("central2", 3, {-2, -1, 0, 1, 2}, scaled({-1, 2, 0, -2, 1}, 2));
  require_weights("central6", 3, {-4, -3, -2, -1, 0, 1, 2, 3, 4},
                  scaled({-7, 72, -338, 488, 0, -488, 338, -72, 7}, 240));
}

TEST_CASE("Stencil offsets follow the width rules", "[numerics][stencil]") {
  CHECK(stencil_width("central2", 1) == 3);
  CHECK(stencil_width("central8", 1) == 9);
  CHECK(stencil_width("central2", 4) == 5);
  CHECK(stencil_width("forward2", 3) == 5);
  CHECK(stencil_width("backward1", 2) == 3);
  std::vector<int> offs;
  unit_weights("backward2", 1, &offs);
  CHECK(offs == std::vector<int>{-2, -1, 0});
  unit_weights("forward1", 1, &offs);
  CHECK(offs == std::vector<int>{0, 1});
}

TEST_CASE("Unknown names and too small grids are rejected", "[numerics][stencil]") {
  CHECK_THROWS_WITH(make_stencil("central3x", 1, 10, 0.1), Catch::Contains("unknown stencil"));
  CHECK_THROWS_WITH(make_stencil("central8", 1, 8, 0.1), Catch::Contains("needs 9 points"));
  CHECK_THROWS(make_stencil("central2", 5, 10, 0.1));
}

TEST_CASE("Every periodic operator is exactly circulant and matches its dense matrix", "[numerics][stencil]") {
  const int n = 24;
  const double dx = 0.37;
  for (const std::string& name : stencil_names())
    for (int d = 1; d <= 4; ++d) {
      INFO(name << " d" << d);
      const Stencil s = make_stencil(name, d, n, dx);
      const Eigen::MatrixXd a = dense_matrix(s, n);
      for (int j = 0; j < n; ++j)
        for (int k = 0; k < n; ++k) REQUIRE(a(j, k) == a(0, ((k - j) % n + n) % n));  // bitwise

      PeriodicOperator op(s, n);
      Eigen::VectorXd u = Eigen::VectorXd::LinSpaced(n, -1.0, 2.0).array().sin();
      Eigen::VectorXd out(n), out_t = Eigen::VectorXd::Zero(n);
      op.apply(u.data(), out.data());
      op.apply_transpose_add(1.0, u.data(), out_t.data());
      const double scale = a.cwiseAbs().maxCoeff();
      CHECK((out - a * u).cwiseAbs().maxCoeff() <= 1e-13 * scale);
      CHECK((out_t - a.transpose() * u).cwiseAbs().maxCoeff() <= 1e-13 * scale);
    }
}

TEST_CASE("Measured convergence orders are within 0.2 of the nominal order", "[numerics][stencil]") {
  for (const std::string& name : stencil_names()) {
    if (name == "spectral") continue;
    for (int d = 1; d <= 4; ++d) {
      // Refine until the error is small but still far above rounding (which grows like eps/dx^d),
      // and measure the order from the last pair of grids in that range.
      double order = 0;
      double prev = max_error(name, d, 16);
      for (int n = 32; n <= 4096; n *= 2) {
        const double e = max_error(name, d, n);
        const double roundoff = 1e-15 * std::pow(n / (2 * M_PI), d);
        if (e < 100 * roundoff) break;
        order = std::log2(prev / e);
        prev = e;
        if (e < 1e-9) break;
      }
      INFO(name << " d" << d << " measured order " << order);
      CHECK(std::abs(order - nominal_order(name)) <= 0.2);
    }
  }
}

TEST_CASE("The spectral derivative is exact on band-limited data", "[numerics][stencil]") {
  for (int n : {16, 33, 64}) {
    const double length = 5 * M_PI, dx = length / n;
    const double k0 = 2 * M_PI / length;
    const int kmax = (n - 1) / 2;  // strictly below Nyquist
    for (int d = 1; d <= 4; ++d) {
      PeriodicOperator op(make_stencil("spectral", d, n, dx), n);
      std::vector<double> u(n), du(n), exact(n);
      for (int j = 0; j < n; ++j) {
        const double x = j * dx;
        u[j] = std::cos(k0 * x) + 0.5 * std::sin(kmax * k0 * x + 0.3);
        // d^d/dx^d cos(a x) = a^d cos(a x + d pi / 2)
        exact[j] = std::pow(k0, d) * std::cos(k0 * x + d * M_PI / 2) +
                   0.5 * std::pow(kmax * k0, d) * std::sin(kmax * k0 * x + 0.3 + d * M_PI / 2);
      }
      op.apply(u.data(), du.data());
      double err = 0, scale = 0;
      for (int j = 0; j < n; ++j) {
        err = std::max(err, std::abs(du[j] - exact[j]));
        scale = std::max(scale, std::abs(exact[j]));
      }
      INFO("n=" << n << " d=" << d);
      CHECK(err <= 1e-10 * std::max(1.0, scale));
    }
  }
}

TEST_CASE("Spectral radius of the symbol matches the dense matrix", "[numerics][stencil]") {
  const int n = 32;
  for (const char* name : {"central2", "backward1", "spectral"}) {
    const Stencil s = make_stencil(name, 1, n, 0.2);
    Eigen::EigenSolver<Eigen::MatrixXd> es(dense_matrix(s, n));
    CHECK(spectral_radius(s, n) == Approx(es.eigenvalues().cwiseAbs().maxCoeff()).epsilon(1e-10));
  }
}

TEST_CASE("Block application equals the dense matrix on every column", "[numerics][stencil]") {
  const int n = 20;
  for (const char* name : {"backward2", "central8", "spectral"}) {
    const Stencil s = make_stencil(name, 3, n, 0.3);
    PeriodicOperator op(s, n);
    const Eigen::MatrixXd U = Eigen::MatrixXd::Random(n, 7);
    Eigen::MatrixXd out = Eigen::MatrixXd::Ones(n, 7);
    op.apply_add_block(0.5, U, out);
    const Eigen::MatrixXd expected = Eigen::MatrixXd::Ones(n, 7) + 0.5 * dense_matrix(s, n) * U;
    CHECK((out - expected).cwiseAbs().maxCoeff() <= 1e-12 * expected.cwiseAbs().maxCoeff());
  }
}

TEST_CASE("The FFT form applies the same circulant operator as the dense form", "[numerics][stencil][fft]") {
  // Even and odd sizes, every derivative order, the transpose and blocks, a sum with a spectral
  // term (gKdV-style fused linear terms), against the dense matrix of the same weights.
  for (int n : {24, 25, 64, 101, 256}) {
    const double dx = 5 * M_PI / n;
    for (int d = 1; d <= 4; ++d) {
      const Stencil spectral = make_stencil("spectral", d, n, dx);
      const Stencil fused = combine({{0.5, spectral}, {-2.0, make_stencil("central4", 1, n, dx)}});
      for (const Stencil* s : {&spectral, &fused}) {
        INFO("n=" << n << " d=" << d << " " << s->name);
        PeriodicOperator op(*s, n);
        REQUIRE(op.uses_fft());
        const Eigen::MatrixXd a = dense_matrix(*s, n);
        const Eigen::VectorXd u = Eigen::VectorXd::Random(n);
        Eigen::VectorXd out = Eigen::VectorXd::Ones(n), out_t = Eigen::VectorXd::Ones(n);
        op.apply_add(0.7, u.data(), out.data());
        op.apply_transpose_add(-1.3, u.data(), out_t.data());
        const Eigen::MatrixXd U = Eigen::MatrixXd::Random(n, 5);
        Eigen::MatrixXd block = Eigen::MatrixXd::Zero(n, 5);
        op.apply_add_block(2.0, U, block);
        const double scale = a.cwiseAbs().maxCoeff() * n;
        CHECK((out - (Eigen::VectorXd::Ones(n) + 0.7 * a * u)).cwiseAbs().maxCoeff() <= 1e-13 * scale);
        CHECK((out_t - (Eigen::VectorXd::Ones(n) - 1.3 * a.transpose() * u)).cwiseAbs().maxCoeff() <= 1e-13 * scale);
        CHECK((block - 2.0 * a * U).cwiseAbs().maxCoeff() <= 1e-13 * scale);
        // A copy has its own buffers and gives the same bits.
        const PeriodicOperator copy = op;
        Eigen::VectorXd again = Eigen::VectorXd::Ones(n);
        copy.apply_add(0.7, u.data(), again.data());
        CHECK(again == out);
      }
    }
  }
  CHECK_FALSE(PeriodicOperator(make_stencil("central8", 3, 64, 0.1), 64).uses_fft());
}

TEST_CASE("Truncation terms: Taylor coefficients of every stencil, by hand and measured", "[numerics][stencil]") {
  // hand-derived leading terms
  struct Known {
    const char* name;
    int d, order;
    double c;
  };
  for (const Known& k : {Known{"backward1", 1, 2, -0.5}, Known{"forward1", 1, 2, 0.5}, Known{"central2", 1, 3, 1.0 / 6},
                         Known{"central2", 2, 4, 1.0 / 12}, Known{"central2", 3, 5, 0.25}, Known{"forward2", 1, 3, -1.0 / 3},
                         Known{"central4", 1, 5, -1.0 / 30}, Known{"central6", 1, 7, 1.0 / 140},
                         Known{"central8", 1, 9, -1.0 / 630}}) {
    INFO(k.name << " d=" << k.d);
    const auto t = truncation_terms(k.name, k.d);
    REQUIRE(t.size() == 1);
    CHECK(t[0].order == k.order);
    CHECK(t[0].coefficient == Approx(k.c).epsilon(1e-10));
  }
  // every stencil and derivative: starts at d + accuracy, and (D u - u^(d)) / dx^(k-d) on
  // u = sin(x) tends to c_k u^(k): measured in long double at dx = h and h/2, h = 0.04 k for
  // central stencils (large enough that the double weights' rounding, divided by dx^k, stays
  // small) and 0.02 k for one-sided ones (whose wider reach makes later terms larger), the next
  // term (order k', from the same function) removed by Richardson extrapolation
  for (const std::string& name : stencil_names()) {
    if (name == "spectral") continue;
    const int accuracy = name.back() - '0';
    for (int d = 1; d <= 4; ++d) {
      INFO(name << " d=" << d);
      const auto t = truncation_terms(name, d, 2);
      REQUIRE(t.size() == 2);
      CHECK(t[0].order == d + accuracy);
      CHECK(t[1].order > t[0].order);
      const int k = t[0].order, gap = t[1].order - k;
      auto derivative_of_sin = [](int order, long double x) {  // d^order/dx^order sin x
        switch (order % 4) {
          case 0: return std::sin(x);
          case 1: return std::cos(x);
          case 2: return -std::sin(x);
          default: return -std::cos(x);
        }
      };
      const long double x = 0.7L;
      std::vector<int> offs;
      const std::vector<double> w = unit_weights(name, d, &offs);
      auto error_term = [&](long double dx) {
        long double du = 0;
        for (size_t i = 0; i < w.size(); ++i) du += w[i] * std::sin(x + offs[i] * dx);
        du /= std::pow(dx, d);
        return (du - derivative_of_sin(d, x)) / std::pow(dx, k - d);
      };
      const long double h = (name.rfind("central", 0) == 0 ? 0.04L : 0.02L) * k;
      const long double coarse = error_term(h), fine = error_term(h / 2), r = std::ldexp(1.0L, gap);
      const double measured = static_cast<double>((r * fine - coarse) / (r - 1));
      const double predicted = t[0].coefficient * static_cast<double>(derivative_of_sin(k, x));
      CHECK(measured == Approx(predicted).epsilon(0.02).margin(1e-6));
    }
  }
}
