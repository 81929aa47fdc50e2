// genlab_cuda.so, found beside the addon (or at GENLAB_CUDA_LIBRARY) and opened once.
#pragma once

#include <memory>
#include <string>

#include "dcgan.h"

namespace genlab {

struct CudaStatus {
  bool built = false;      // the library exists
  bool available = false;  // it loaded and sees a GPU
  std::string device;      // what trains there (the GPU, the GEMM), when available
  std::string reason;      // why not, when not available
};

const CudaStatus& cudaStatus();
// Throws std::runtime_error with cudaStatus().reason when there is no usable GPU.
std::unique_ptr<DcganTrainer> makeCudaDcgan(const DcganSpec& spec);

}  // namespace genlab
