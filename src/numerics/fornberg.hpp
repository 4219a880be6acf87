#pragma once
// Finite-difference weights for arbitrary offsets by Fornberg's recursion
// (B. Fornberg, "Generation of finite difference formulas on arbitrarily spaced grids",
// Math. Comp. 51, 1988). Stable for any offsets; exact in rational arithmetic, so the
// double-precision weights agree with the textbook tables to rounding.
#include <vector>

namespace npde {

// Weights w such that f^(derivative)(0) ~= sum_i w[i] f(offsets[i]) on a unit spacing.
// Requires offsets.size() > derivative and distinct offsets.
std::vector<double> fornberg_weights(int derivative, const std::vector<double>& offsets);

}  // namespace npde
