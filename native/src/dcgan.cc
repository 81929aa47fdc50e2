// The DCGAN trainers this addon builds itself: the CPU backend, and the CUDA backend's kernels
// run on the host (the CUDA build proper is cuda/dcgan_cuda.cu, a separate library).
#include "dcgan.h"

#include "cpu_ops.h"
#include "dcgan_step.h"
#include "host_launch.h"

namespace genlab {

std::unique_ptr<DcganTrainer> makeCpuDcgan(const DcganSpec& spec) { return std::make_unique<DcganStep<CpuOps>>(spec); }

std::unique_ptr<DcganTrainer> makeHostKernelDcgan(const DcganSpec& spec) {
  return std::make_unique<DcganStep<KernelOps<HostLaunch>>>(spec);
}

}  // namespace genlab
