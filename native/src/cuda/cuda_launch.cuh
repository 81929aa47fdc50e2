// kernel_ops.h's launcher for CUDA: device memory, one thread per element, and GEMMs through
// cuBLAS when the library is found at run time (a toolkit's libcublas, or the nvidia-cublas pip
// wheel PyTorch installs), else through kernels.h's GEMM. Shared by genlab_cuda.so and the GPU
// check (native/tools/gpu_check.cu).
#pragma once

#include <cuda_runtime.h>
#include <dlfcn.h>
#include <glob.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "../kernel_ops.h"

namespace genlab {
namespace cuda {

inline void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(e));
}

template <class F>
__global__ void runKernel(F f, size_t n) {
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<size_t>(blockDim.x) * gridDim.x)
    f(i);
}

// The few cuBLAS entry points GenLab uses, declared here (their C ABI is stable across
// versions) so that building needs no cuBLAS headers and running needs no cuBLAS at all.
struct Cublas {
  using Handle = void*;
  int (*create)(Handle*) = nullptr;
  int (*version)(Handle, int*) = nullptr;
  int (*sgemm)(Handle, int, int, int, int, int, const float*, const float*, int, const float*, int, const float*, float*,
               int) = nullptr;
  Handle handle = nullptr;
  std::string name;
};

inline std::vector<std::string> cublasCandidates() {
  std::vector<std::string> out;
  if (const char* p = std::getenv("GENLAB_CUBLAS"); p && *p) out.push_back(p);
  for (const char* n : {"libcublas.so.13", "libcublas.so.12", "libcublas.so"}) out.push_back(n);
  // pip's nvidia-cublas wheels (what PyTorch installs), in the usual site-packages places.
  for (const char* pattern : {"/usr/local/lib/python3*/*-packages/nvidia/cu*/lib/libcublas.so.*",
                              "/usr/lib/python3*/*-packages/nvidia/cu*/lib/libcublas.so.*",
                              "/opt/*/lib/python3*/*-packages/nvidia/cu*/lib/libcublas.so.*",
                              "/root/.local/lib/python3*/site-packages/nvidia/cu*/lib/libcublas.so.*",
                              "/usr/local/cuda*/lib64/libcublas.so.*"}) {
    glob_t g{};
    if (glob(pattern, 0, nullptr, &g) == 0)
      for (size_t i = 0; i < g.gl_pathc; ++i) out.push_back(g.gl_pathv[i]);
    globfree(&g);
  }
  return out;
}

inline Cublas loadCublas() {
  Cublas c;
  for (const std::string& path : cublasCandidates()) {
    void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) continue;
    c.create = reinterpret_cast<decltype(c.create)>(dlsym(h, "cublasCreate_v2"));
    c.version = reinterpret_cast<decltype(c.version)>(dlsym(h, "cublasGetVersion_v2"));
    c.sgemm = reinterpret_cast<decltype(c.sgemm)>(dlsym(h, "cublasSgemm_v2"));
    if (c.create && c.sgemm && c.create(&c.handle) == 0) {
      int v = 0;
      if (c.version) c.version(c.handle, &v);
      c.name = "cuBLAS " + std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." + std::to_string(v % 100);
      return c;
    }
    c = Cublas{};
    dlclose(h);
  }
  return c;
}

inline Cublas& cublas() {
  static Cublas c = loadCublas();
  return c;
}

class CudaLaunch {
 public:
  static constexpr int kParts = 128;

  static void* allocate(size_t bytes) {
    void* p = nullptr;
    check(cudaMalloc(&p, bytes), "cudaMalloc");
    check(cudaMemset(p, 0, bytes), "cudaMemset");
    return p;
  }
  static void release(void* p) {
    if (p) cudaFree(p);
  }
  static void upload(void* dst, const void* src, size_t bytes) {
    check(cudaMemcpy(dst, src, bytes, cudaMemcpyHostToDevice), "copy to the GPU");
  }
  static void download(void* dst, const void* src, size_t bytes) {
    check(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToHost), "copy from the GPU");
  }
  static void zero(void* p, size_t bytes) { check(cudaMemset(p, 0, bytes), "cudaMemset"); }

  void begin() {}
  void sync() { check(cudaDeviceSynchronize(), "CUDA step"); }

  template <class F>
  void run(size_t n, const F& f) {
    if (n == 0) return;
    const size_t blocks = std::min<size_t>((n + 255) / 256, size_t{1} << 20);
    runKernel<<<static_cast<unsigned>(blocks), 256>>>(f, n);
    check(cudaGetLastError(), "kernel launch");
  }

  // Row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ: cuBLAS gets B first.
  void gemm(bool ta, bool tb, int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc) {
    Cublas& c = cublas();
    if (!c.sgemm) {
      run(static_cast<size_t>(M) * N, gemmElement(ta, tb, N, K, A, lda, B, ldb, C, ldc));
      return;
    }
    const float one = 1.0f, zero = 0.0f;
    const int status = c.sgemm(c.handle, tb ? 1 : 0, ta ? 1 : 0, N, M, K, &one, B, ldb, A, lda, &zero, C, ldc);
    if (status != 0) throw std::runtime_error("cublasSgemm failed with status " + std::to_string(status));
  }
};

}  // namespace cuda
}  // namespace genlab
