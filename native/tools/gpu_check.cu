// The prepared check for a GPU machine (scripts/gpu-check.sh builds and runs it; no Node needed):
//  1. the CUDA step against the same kernels run on the host (which the test suite checks against
//     the CPU trainer step for step), for the 28×28×1 AC-GAN and the 32×32×3 DCGAN: losses, and
//     every weight after each step from the same state;
//  2. the CUDA step's time at batch 64 for both shapes, and a CIFAR-10 epoch (781 steps) from it.
// Arguments: timed steps (50; 0 times nothing), the checks' batch (8). Prints one JSON line per
// result; exits 1 when a check fails, 2 when there is no GPU.
// -DGENLAB_CHECK_ON_HOST builds it with the host launcher in place of CUDA's (to test the check
// itself on a machine without a GPU).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>

#include "../src/dcgan_step.h"
#include "../src/host_launch.h"
#if !defined(GENLAB_CHECK_ON_HOST)
#include "../src/cuda/cuda_launch.cuh"
using Device = genlab::cuda::CudaLaunch;
#else
using Device = genlab::HostLaunch;
#endif

using namespace genlab;

namespace {

using HostTrainer = DcganStep<KernelOps<HostLaunch>>;
using DeviceTrainer = DcganStep<KernelOps<Device>>;

DcganSpec specFor(int h, int c, int classes) {
  DcganSpec s;
  s.height = s.width = h;
  s.channels = c;
  s.numClasses = classes;
  s.auxClassifier = classes > 0;
  return s;
}

// DCGAN's usual initialisation: N(0, 0.02) weights, batch-norm scales and variances 1.
void initialise(DcganTrainer& t, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n(0.0f, 0.02f);
  for (TensorSet* s : {&t.G, &t.D})
    for (size_t i = 0; i < s->tensors(); ++i)
      for (size_t j = 0; j < s->count[i]; ++j) s->p(static_cast<int>(i))[j] = n(rng);
  // Scales: G's three BN gammas (tensors 1, 4, 7), D's (6th from its end).
  for (int i : {1, 4, 7}) std::fill(t.G.p(i), t.G.p(i) + t.G.count[i], 1.0f);
  const int dg = static_cast<int>(t.D.tensors()) - 4;
  std::fill(t.D.p(dg), t.D.p(dg) + t.D.count[dg], 1.0f);
  for (TensorSet* s : {&t.Gstats, &t.Dstats})
    for (size_t i = 1; i < s->tensors(); i += 2) std::fill(s->p(static_cast<int>(i)), s->p(static_cast<int>(i)) + s->count[i], 1.0f);
  t.push();
}

// b ← a (weights, moments, statistics, step count).
void copyState(DcganTrainer& a, DcganTrainer& b) {
  a.pull();
  b.pull();
  auto cp = [](FloatBuf& dst, const FloatBuf& src) {
    if (src.size()) std::memcpy(dst.data(), src.data(), sizeof(float) * src.size());
  };
  for (auto [x, y] : {std::pair{&a.G, &b.G}, {&a.D, &b.D}, {&a.Gstats, &b.Gstats}, {&a.Dstats, &b.Dstats}}) {
    cp(y->params, x->params), cp(y->m, x->m), cp(y->v, x->v);
  }
  b.t = a.t;
  b.push();
}

struct Batch {
  std::vector<float> real, z;
  std::vector<int32_t> labels;
};

Batch batch(const DcganSpec& s, int B, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::normal_distribution<float> n;
  Batch b;
  b.real.resize(static_cast<size_t>(B) * s.height * s.width * s.channels);
  for (float& x : b.real) x = u(rng);
  b.z.resize(static_cast<size_t>(B) * s.zDim);
  for (float& x : b.z) x = n(rng);
  for (int i = 0; i < B; ++i) b.labels.push_back(s.numClasses ? static_cast<int32_t>(rng() % s.numClasses) : 0);
  return b;
}

// Share of trainable weights more than 1e-5 apart, and the largest difference.
std::pair<double, double> compare(DcganTrainer& a, DcganTrainer& b) {
  a.pull();
  b.pull();
  size_t over = 0, total = 0;
  double worst = 0;
  for (auto [x, y] : {std::pair{&a.G, &b.G}, {&a.D, &b.D}})
    for (size_t i = 0; i < x->tensors(); ++i)
      for (size_t j = 0; j < x->count[i]; ++j) {
        const double d = std::fabs(x->p(static_cast<int>(i))[j] - y->p(static_cast<int>(i))[j]);
        over += d > 1e-5;
        worst = std::max(worst, d);
        ++total;
      }
  return {static_cast<double>(over) / total, worst};
}

bool check(const char* name, const DcganSpec& spec, int B) {
  HostTrainer host(spec);
  DeviceTrainer dev(spec);
  initialise(host, 1);
  copyState(host, dev);
  bool ok = true;
  for (int step = 1; step <= 2; ++step) {
    const Batch b = batch(spec, B, 10 + step);
    const int32_t* labels = spec.numClasses ? b.labels.data() : nullptr;
    const StepResult r = host.step(b.real.data(), b.z.data(), labels, B);
    const StepResult g = dev.step(b.real.data(), b.z.data(), labels, B);
    const double lossErr = std::max(std::fabs(r.dLoss - g.dLoss), std::fabs(r.gLoss - g.gLoss));
    const auto [share, worst] = compare(host, dev);
    // As the test suite: losses to 1e-4; weights to 1e-5 but for a few elements whose gradient is
    // rounding noise (Adam moves those by up to lr either way).
    const bool pass = lossErr < 1e-4 && share < 1e-3 && worst <= 2 * spec.adam.lr + 1e-6;
    ok = ok && pass;
    std::printf("{\"check\":\"%s\",\"step\":%d,\"d_loss\":%.6f,\"g_loss\":%.6f,\"loss_error\":%.3g,\"weights_off\":%.3g,\"largest\":%.3g,\"pass\":%s}\n",
                name, step, g.dLoss, g.gLoss, lossErr, share, worst, pass ? "true" : "false");
    copyState(host, dev);
  }
  return ok;
}

void timeSteps(const char* shape, const DcganSpec& spec, int steps) {
  DeviceTrainer dev(spec);
  initialise(dev, 2);
  const int B = 64;
  const Batch b = batch(spec, B, 3);
  const int32_t* labels = spec.numClasses ? b.labels.data() : nullptr;
  for (int i = 0; i < 3; ++i) dev.step(b.real.data(), b.z.data(), labels, B);
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < steps; ++i) dev.step(b.real.data(), b.z.data(), labels, B);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / steps;
  std::printf("{\"time\":\"%s\",\"batch\":%d,\"ms_per_step\":%.3f,\"cifar10_epoch_s\":%.1f}\n", shape, B, ms, ms * 781 / 1000);
}

}  // namespace

int main(int argc, char** argv) {
  const int steps = argc > 1 ? std::atoi(argv[1]) : 50;
  const int checkBatch = argc > 2 ? std::atoi(argv[2]) : 8;
#if !defined(GENLAB_CHECK_ON_HOST)
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess || n == 0) {
    std::printf("{\"error\":\"no usable GPU\"}\n");
    return 2;
  }
  cudaDeviceProp p{};
  cudaGetDeviceProperties(&p, 0);
  std::printf("{\"gpu\":\"%s\",\"gemm\":\"%s\"}\n", p.name,
              genlab::cuda::cublas().sgemm ? genlab::cuda::cublas().name.c_str() : "GenLab's GEMM kernel");
#endif
  try {
    bool ok = check("28x28x1 AC-GAN", specFor(28, 1, 10), checkBatch);
    ok = check("32x32x3", specFor(32, 3, 0), checkBatch) && ok;
    if (steps > 0) {  // 0: the checks alone
      timeSteps("28x28x1", specFor(28, 1, 0), steps);
      timeSteps("32x32x3", specFor(32, 3, 0), steps);
    }
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::printf("{\"error\":\"%s\"}\n", e.what());
    return 1;
  }
}
