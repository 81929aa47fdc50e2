#include "adam.h"

#include <cmath>

namespace genlab {

void adam_update(float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict v, size_t n,
                 const AdamConfig& c, long t) {
  // Scalars in double, as torch computes them in Python, then used as float32 like its kernels.
  const double bc1 = 1.0 - std::pow(c.beta1, static_cast<double>(t));
  const double bc2 = 1.0 - std::pow(c.beta2, static_cast<double>(t));
  const float b1 = static_cast<float>(c.beta1), b2 = static_cast<float>(c.beta2);
  const float a1 = static_cast<float>(1.0 - c.beta1), a2 = static_cast<float>(1.0 - c.beta2);
  const float stepSize = static_cast<float>(c.lr / bc1);
  const float invBc2Sqrt = static_cast<float>(1.0 / std::sqrt(bc2));
  const float eps = static_cast<float>(c.eps);
#pragma GCC ivdep
  for (size_t i = 0; i < n; ++i) {
    const float gi = g[i];
    const float mi = m[i] * b1 + gi * a1;
    const float vi = v[i] * b2 + gi * gi * a2;
    m[i] = mi;
    v[i] = vi;
    p[i] -= stepSize * mi / (std::sqrt(vi) * invBc2Sqrt + eps);
  }
}

}  // namespace genlab
