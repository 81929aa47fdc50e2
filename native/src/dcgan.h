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
#pragma once

#include <cstdint>
#include <vector>

#include "adam.h"
#include "buffer.h"
#include "conv.h"
#include "mlp_gan.h"
#include "parallel.h"

namespace genlab {

struct DcganSpec {
  int height = 28, width = 28, channels = 1, zDim = 100, numClasses = 0;
  bool auxClassifier = false;  // needs numClasses >= 2
  float slope = 0.2f;
  float bnMomentum = 0.99f, bnEps = 1e-3f;
  AdamConfig adam;
};

// Flat, 64-byte-aligned tensors: trainables get gradients and Adam moments.
class TensorSet {
 public:
  int add(size_t n);
  void allocate(bool trainable);
  float* p(int i) { return params.data() + offset[i]; }
  float* g(int i) { return grads.data() + offset[i]; }
  const float* p(int i) const { return params.data() + offset[i]; }
  size_t tensors() const { return offset.size(); }
  std::vector<size_t> offset, count;
  FloatBuf params, grads, m, v;

 private:
  size_t total_ = 0;
};

class Dcgan {
 public:
  explicit Dcgan(const DcganSpec& spec);

  const DcganSpec& spec() const { return spec_; }
  int zDim() const { return spec_.zDim; }
  int imgDim() const { return spec_.height * spec_.width * spec_.channels; }

  StepResult step(const float* real, const float* z, const int32_t* labels, int batch);
  // G in inference mode (running statistics): n × H×W×C tanh outputs.
  void generate(const float* z, const int32_t* labels, int n, float* out);

  // getWeights() order: G trainables then G statistics; the same for D.
  TensorSet G, Gstats, D, Dstats;
  long t = 0;

  std::vector<double> gradNorms() const;
  std::vector<double> weightNorms() const;

 private:
  // G's activations for `rows` images (training keeps what backward needs).
  struct GWork {
    int cap = 0;
    FloatBuf gin, a0, xhat0, h0, a1, xhat1, h1, a2, xhat2, h2, out, cols;
    FloatBuf mean0, var0, mean1, var1, mean2, var2;
    FloatBuf dOut, dh2, dh1, dh0;
  };
  void ensureG(GWork& w, int rows, bool training);
  void ensureD(int rows);
  void gForward(GWork& w, const float* z, const int32_t* labels, int n, bool training);
  void gBackward(GWork& w, int B);
  // D's input rows [row0, row0 + n): images and, when conditional, the label map channel.
  void fillD(int row0, const float* images, const int32_t* labels, int n);
  void dForward(int R, int halves);
  void dBackward(int R, int halves, bool weightGrads, bool inputGrad, const int32_t* labels, int B);

  DcganSpec spec_;
  int K_;                 // label width (0: unconditional)
  int dK_;                // label width of D's label-map input (0: unconditional or AC-GAN)
  int outW_;              // D's outputs: 1, or 1 + K_ with the auxiliary classifier
  int base_, F_, zin_, Cd_, Fd_, dOff_;
  ConvGeom ct1_, ct2_, ct3_, c1_, c2_;
  GWork train_, gen_;
  int dCap_ = 0;
  FloatBuf xin_, cols1_, h1_, cols2_, a2_, xhat2_, h2_, logits_, dlogit_, dh2_, dh1_, dxin_;
  FloatBuf mean2_, var2_;  // per half: 2 × 128
  std::vector<double> scratch_;
  ParallelFor pool_;
};

}  // namespace genlab
