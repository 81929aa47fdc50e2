// Adam with PyTorch semantics (torch.optim.Adam, amsgrad=False, weight_decay=0), fused into one
// pass over a flat parameter buffer (all layers' W and b back to back):
//   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
//   p ← p − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε)
#pragma once

#include <cstddef>

namespace genlab {

struct AdamConfig {
  double lr = 2e-4, beta1 = 0.5, beta2 = 0.999, eps = 1e-8;
};

// t: the step number after this update (1 for the first update).
void adam_update(float* p, const float* g, float* m, float* v, size_t n, const AdamConfig& c, long t);

}  // namespace genlab
