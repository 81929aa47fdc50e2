// kernel_ops.h's launcher for the host: "device" memory is host memory and each kernel is a loop
// over its elements, split across GenLab's pool. Slow (a GEMM is a dot product per element); it
// exists so tests check the CUDA backend's arithmetic on machines without a GPU.
#pragma once

#include <cstdlib>
#include <cstring>
#include <new>

#include "kernel_ops.h"
#include "parallel.h"

namespace genlab {

class HostLaunch {
 public:
  static constexpr int kParts = 16;

  static void* allocate(size_t bytes) {
    void* p = std::calloc(1, bytes);
    if (!p) throw std::bad_alloc();
    return p;
  }
  static void release(void* p) { std::free(p); }
  static void upload(void* dst, const void* src, size_t bytes) { std::memcpy(dst, src, bytes); }
  static void download(void* dst, const void* src, size_t bytes) { std::memcpy(dst, src, bytes); }
  static void zero(void* p, size_t bytes) { std::memset(p, 0, bytes); }

  void begin() { pool_.setThreads(compute_threads()); }
  void sync() {}

  template <class F>
  void run(size_t n, const F& f) {
    pool_.run(n, 256, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) f(i);
    });
  }
  void gemm(bool ta, bool tb, int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc) {
    run(static_cast<size_t>(M) * N, gemmElement(ta, tb, N, K, A, lda, B, ldb, C, ldc));
  }

 private:
  ParallelFor pool_;
};

}  // namespace genlab
