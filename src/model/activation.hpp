#pragma once
// tanh of a short vector, about three times faster than std::tanh element by element and within
// 2 ulp of it: a rational approximation (Cephes' coefficients) for |x| < 0.625, and
// 1 - 2 / (exp(2|x|) + 1) with Eigen's vectorised exp above. Fully deterministic.
namespace npde {

void tanh_inplace(double* values, int n);

}  // namespace npde
