// The C interface between the addon and genlab_cuda.so (cuda/dcgan_cuda.cu), which nvcc builds
// apart so that the addon needs no CUDA toolkit and loads on machines without one. The addon
// opens the library at run time (cuda_library.cc) and checks this version first.
#pragma once

#include <cstddef>

#include "dcgan.h"

namespace genlab {
constexpr int kCudaAbi = 1;
}

extern "C" {
// kCudaAbi × 1000 + sizeof(DcganSpec) as the library was built: a stale library is refused.
int genlab_cuda_abi();
// The number of CUDA devices; 0 or less with a sentence in `out` (e.g. no driver).
int genlab_cuda_probe(char* out, size_t len);
// "cuBLAS 13.0.0 on NVIDIA H200" or "GenLab's GEMM kernel (no cuBLAS found) on …".
const char* genlab_cuda_describe();
// A DCGAN trainer on device 0, or null with the reason in `err`.
genlab::DcganTrainer* genlab_cuda_dcgan(const genlab::DcganSpec* spec, char* err, size_t len);
}
