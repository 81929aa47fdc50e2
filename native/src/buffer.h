// A zero-initialised, 64-byte-aligned float buffer (cache-line and AVX-512 aligned).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

namespace genlab {

class FloatBuf {
 public:
  FloatBuf() = default;
  explicit FloatBuf(size_t n) { resize(n); }
  FloatBuf(const FloatBuf&) = delete;
  FloatBuf& operator=(const FloatBuf&) = delete;
  FloatBuf(FloatBuf&& o) noexcept : p_(o.p_), n_(o.n_) { o.p_ = nullptr; o.n_ = 0; }
  FloatBuf& operator=(FloatBuf&& o) noexcept {
    if (this != &o) { std::free(p_); p_ = o.p_; n_ = o.n_; o.p_ = nullptr; o.n_ = 0; }
    return *this;
  }
  ~FloatBuf() { std::free(p_); }

  // Discards the contents; the new buffer is all zeros.
  void resize(size_t n) {
    std::free(p_);
    p_ = nullptr;
    n_ = n;
    if (n == 0) return;
    const size_t bytes = ((n * sizeof(float) + 63) / 64) * 64;
    p_ = static_cast<float*>(std::aligned_alloc(64, bytes));
    if (!p_) throw std::bad_alloc();
    std::memset(p_, 0, bytes);
  }
  float* data() { return p_; }
  const float* data() const { return p_; }
  size_t size() const { return n_; }

 private:
  float* p_ = nullptr;
  size_t n_ = 0;
};

// The L2 norm of each tensor in a flat parameter set (whose offset/count list its tensors),
// read from `base` (its weights or its gradients): what each epoch's report shows.
template <class Set>
std::vector<double> tensorNorms(const Set& set, const float* base) {
  std::vector<double> out;
  for (size_t i = 0; i < set.tensors(); ++i) {
    double s = 0;
    const float* t = base + set.offset[i];
    for (size_t j = 0; j < set.count[i]; ++j) s += static_cast<double>(t[j]) * t[j];
    out.push_back(std::sqrt(s));
  }
  return out;
}

}  // namespace genlab
