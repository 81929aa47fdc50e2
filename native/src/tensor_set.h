// A network's tensors in one flat, 64-byte-aligned buffer each for weights, gradients and Adam's
// two moments (trainables) or weights alone (batch-norm running statistics). These host buffers
// are what getWeights / setWeights / checkpoints read and write, whatever device trains.
#pragma once

#include <cstddef>
#include <vector>

#include "buffer.h"

namespace genlab {

class TensorSet {
 public:
  int add(size_t n) {
    offset.push_back(total_);
    count.push_back(n);
    total_ += (n + 15) / 16 * 16;
    return static_cast<int>(offset.size()) - 1;
  }
  void allocate(bool trainable) {
    params.resize(total_);
    if (!trainable) return;
    grads.resize(total_);
    m.resize(total_);
    v.resize(total_);
  }
  float* p(int i) { return params.data() + offset[i]; }
  float* g(int i) { return grads.data() + offset[i]; }
  const float* p(int i) const { return params.data() + offset[i]; }
  size_t tensors() const { return offset.size(); }
  bool trainable() const { return grads.size() > 0; }
  std::vector<size_t> offset, count;
  FloatBuf params, grads, m, v;

 private:
  size_t total_ = 0;
};

}  // namespace genlab
