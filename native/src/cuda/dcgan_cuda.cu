// genlab_cuda.so: the DCGAN step (dcgan_step.h) on a CUDA GPU. kernels.h's per-element functions
// run one CUDA thread per element; GEMMs go to cuBLAS when the library is found at run time (a
// CUDA toolkit's libcublas, or the nvidia-cublas pip wheel PyTorch installs), else to GenLab's
// own GEMM kernel. Built by scripts/build-native.mjs when nvcc is found; the addon opens it only
// when a GPU is asked for (cuda_library.cc), so machines without CUDA never load it.
#include <cstdio>
#include <string>

#include "../cuda_abi.h"
#include "../dcgan_step.h"
#include "cuda_launch.cuh"

extern "C" {

__attribute__((visibility("default"))) int genlab_cuda_abi() {
  return genlab::kCudaAbi * 1000 + static_cast<int>(sizeof(genlab::DcganSpec));
}

__attribute__((visibility("default"))) int genlab_cuda_probe(char* out, size_t len) {
  int n = 0;
  const cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess) {
    std::snprintf(out, len, "%s", cudaGetErrorString(e));
    return -1;
  }
  if (n == 0) std::snprintf(out, len, "no CUDA device");
  return n;
}

__attribute__((visibility("default"))) const char* genlab_cuda_describe() {
  static std::string text = [] {
    cudaDeviceProp p{};
    const std::string gpu = cudaGetDeviceProperties(&p, 0) == cudaSuccess ? p.name : "a CUDA GPU";
    const genlab::cuda::Cublas& c = genlab::cuda::cublas();
    return (c.sgemm ? c.name : std::string("GenLab's GEMM kernel (no cuBLAS found)")) + " on " + gpu;
  }();
  return text.c_str();
}

__attribute__((visibility("default"))) genlab::DcganTrainer* genlab_cuda_dcgan(const genlab::DcganSpec* spec, char* err,
                                                                                size_t len) {
  try {
    return new genlab::DcganStep<genlab::KernelOps<genlab::cuda::CudaLaunch>>(*spec);
  } catch (const std::exception& e) {
    std::snprintf(err, len, "%s", e.what());
    return nullptr;
  }
}

}  // extern "C"
