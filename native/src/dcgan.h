// The DCGAN GenLab builds (src/engines/gan/dcgan-tfjs.ts), trained natively with the same step as
// its TensorFlow.js trainer (src/engines/gan/tfjs-step.ts):
//   G: [z, onehot] → dense (no bias) → BN → ReLU → reshape b×b×256 → convT 5×5/1 → 128, BN, ReLU
//      → convT 5×5/2 → 64, BN, ReLU → convT 5×5/2 → C (+ bias), tanh          (b = H / 4)
//   D: [x, label map (dense onehot → H×W, an extra channel)] → conv 5×5/2 → 64, LeakyReLU
//      → conv 5×5/2 → 128 → BN → LeakyReLU → flatten → dense → one logit
//   AC-GAN (auxClassifier): D sees the image alone and its dense ends in 1 + classes logits
//   (real/fake, then the class), with the class loss of gan_head.h.
//   step: fake = G(z); D step on BCE(D(real), 1) + BCE(D(fake), 0) (two D calls, each with its own
//   batch statistics) → Adam(D); G step on BCE(D′(G(z)), 1) through the updated D → Adam(G).
// Batch norm as tf.layers: batch statistics (biased variance) in training, ε 1e-3, running
// statistics with momentum 0.99 updated on every training-mode call — G is called twice per
// step by the tfjs trainer (same weights, same batch: the same statistics, applied twice), D three
// times (real, fake, fake through D′). Weights in tf.layers order: trainables, then the running
// statistics; tensors NHWC with TensorFlow's kernel layouts.
//
// One step (dcgan_step.h) runs on any of three backends: the CPU (OpenBLAS im2col GEMMs on
// GenLab's pool, cpu_ops.h), CUDA (kernel_ops.h launched on a GPU, built into genlab_cuda.so by
// nvcc when a CUDA toolkit is found), and the same CUDA kernels run on the host — how tests check
// the GPU arithmetic on a machine without a GPU.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "adam.h"
#include "gan_head.h"
#include "tensor_set.h"

namespace genlab {

struct DcganSpec {
  int height = 28, width = 28, channels = 1, zDim = 100, numClasses = 0;
  bool auxClassifier = false;  // needs numClasses >= 2
  float slope = 0.2f;
  float bnMomentum = 0.99f, bnEps = 1e-3f;
  AdamConfig adam;
};

// What every backend's trainer offers the binding. The TensorSets are host buffers: call pull()
// before reading them after a step, and push() after writing them.
class DcganTrainer {
 public:
  virtual ~DcganTrainer() = default;
  const DcganSpec& spec() const { return spec_; }
  int zDim() const { return spec_.zDim; }
  int imgDim() const { return spec_.height * spec_.width * spec_.channels; }

  virtual StepResult step(const float* real, const float* z, const int32_t* labels, int batch) = 0;
  // G in inference mode (running statistics): n × H×W×C tanh outputs.
  virtual void generate(const float* z, const int32_t* labels, int n, float* out) = 0;
  // Device → host copies of every TensorSet (a no-op where the host buffers are the ones trained).
  virtual void pull() {}
  // Host → device, after the host buffers were written.
  virtual void push() {}

  std::vector<double> gradNorms() {
    pull();
    return tensorNorms(G, G.grads.data());
  }
  std::vector<double> weightNorms() {
    pull();
    return tensorNorms(G, G.params.data());
  }

  // getWeights() order: G trainables then G statistics; the same for D.
  TensorSet G, Gstats, D, Dstats;
  long t = 0;

 protected:
  explicit DcganTrainer(const DcganSpec& spec) : spec_(spec) {}
  DcganSpec spec_;
};

std::unique_ptr<DcganTrainer> makeCpuDcgan(const DcganSpec& spec);
// The CUDA backend's kernels run on the host: slow, for checking them where there is no GPU.
std::unique_ptr<DcganTrainer> makeHostKernelDcgan(const DcganSpec& spec);

}  // namespace genlab
