#include "adam.h"

#include <cmath>

namespace genlab {

void adam_update(float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict v, size_t n,
                 const AdamConfig& c, long t) {
  const AdamScalars s = adam_scalars(c, t);
  const float b1 = s.b1, b2 = s.b2, a1 = s.a1, a2 = s.a2, stepSize = s.stepSize, invBc2Sqrt = s.invBc2Sqrt, eps = s.eps;
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
