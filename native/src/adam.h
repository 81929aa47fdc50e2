// Adam with PyTorch semantics (torch.optim.Adam, amsgrad=False, weight_decay=0), fused into one
// pass over a flat parameter buffer (all layers' W and b back to back):
//   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
//   p ← p − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε)
#pragma once

#include <cmath>
#include <cstddef>

namespace genlab {

struct AdamConfig {
  double lr = 2e-4, beta1 = 0.5, beta2 = 0.999, eps = 1e-8;
};

// One update's float32 scalars, computed in double as torch computes them in Python (shared by
// the CPU loop and the CUDA kernel, so both update alike).
struct AdamScalars {
  float b1, b2, a1, a2, stepSize, invBc2Sqrt, eps;
};

inline AdamScalars adam_scalars(const AdamConfig& c, long t) {
  const double bc1 = 1.0 - std::pow(c.beta1, static_cast<double>(t));
  const double bc2 = 1.0 - std::pow(c.beta2, static_cast<double>(t));
  return {static_cast<float>(c.beta1),       static_cast<float>(c.beta2),
          static_cast<float>(1.0 - c.beta1), static_cast<float>(1.0 - c.beta2),
          static_cast<float>(c.lr / bc1),    static_cast<float>(1.0 / std::sqrt(bc2)),
          static_cast<float>(c.eps)};
}

// t: the step number after this update (1 for the first update).
void adam_update(float* p, const float* g, float* m, float* v, size_t n, const AdamConfig& c, long t);

}  // namespace genlab
