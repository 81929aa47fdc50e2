// The fused GAN training step for an MLP generator / discriminator pair, matching
// /work/shared/bench/reference_gan.py step for step:
//   fake = G([z, onehot]) (once per step, reused)
//   D step: loss_D = BCE(D(real), 1) + BCE(D(fake), 0)  → Adam on D
//   G step: loss_G = BCE(D'(fake), 1) with D' the *updated* D → Adam on G
// Sigmoid + BCELoss is evaluated as BCE on logits (numerically stable, same value and gradient).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "adam.h"
#include "buffer.h"
#include "dense.h"
#include "gan_head.h"
#include "parallel.h"

namespace genlab {

struct MlpSpec {
  std::vector<int> gLayers;  // incl. input width: [zDim + numClasses, ..., imgDim]
  std::vector<int> dLayers;  // [imgDim + numClasses, ..., 1], or with auxClassifier [imgDim, ..., 1 + numClasses]
  int numClasses = 0;
  // AC-GAN (Odena et al. 2017): D sees only the image and also predicts its class; the class
  // cross-entropy on real images is added to D's loss, and on fake ones to G's loss.
  bool auxClassifier = false;
  float slope = 0.2f;
  AdamConfig adam;
};

// One MLP's parameters, gradients and Adam moments, each a single flat buffer
// (W0, b0, W1, b1, … back to back, every tensor 64-byte aligned) so Adam runs as one loop.
class MlpParams {
 public:
  MlpParams(const std::vector<int>& widths, Act hidden, Act last);
  std::vector<Dense> layers;
  FloatBuf params, grads, m, v;
  std::vector<size_t> offset, count;  // per tensor (2 per layer)
  size_t tensors() const { return offset.size(); }
};

enum Phase {
  kGForward, kDForward, kDLoss, kDBackward, kDAdam, kGStepDForward, kGStepDBackward, kGBackward, kGAdam,
  kPhases
};

class MlpGan {
 public:
  explicit MlpGan(const MlpSpec& spec);

  int zDim() const { return zDim_; }
  int imgDim() const { return imgDim_; }
  const MlpSpec& spec() const { return spec_; }

  // real: batch×imgDim, z: batch×zDim, labels: batch class ids (null iff numClasses == 0).
  StepResult step(const float* real, const float* z, const int32_t* labels, int batch);
  // out: n×imgDim tanh outputs.
  void generate(const float* z, const int32_t* labels, int n, float* out);

  MlpParams G, D;
  long t = 0;  // Adam step count (both optimizers step once per training step)

  std::vector<double> gradNorms() const;   // per G tensor, from the last step
  std::vector<double> weightNorms() const; // per G tensor

  bool profile = false;
  double phaseMs[kPhases] = {};
  long profiledSteps = 0;
  static const char* phaseName(int p);

 private:
  void ensureCapacity(int batch);
  // Copies src rows (when given) and writes a one-hot of `labels` in the C columns after them.
  static void fillInput(float* X, int ld, const float* src, int srcDim, const int32_t* labels, int C, int rows);
  // Forward through a net; X0 has stride ldx0; the last layer writes to `out` (stride ldOut).
  void forward(MlpParams& net, std::vector<FloatBuf>& acts, const float* X0, int ldx0, int rows, float* out,
               int ldOut);

  MlpSpec spec_;
  int zDim_, imgDim_, gIn_, dIn_, dLabels_, outW_;
  int cap_ = 0;
  FloatBuf gX_, dX_, gradA_, gradB_;
  std::vector<FloatBuf> gActs_, dActs_;  // hidden-layer outputs (G), all layer outputs (D)
  int genCap_ = 0;
  FloatBuf genX_;
  std::vector<FloatBuf> genActs_;
  int maxWidth_ = 0;
  ParallelFor pool_;  // per trainer: trainers in different worker_threads never share one

  using Clock = std::chrono::steady_clock;
  Clock::time_point mark_;
  void tick(Phase p) {
    if (!profile) return;
    const auto now = Clock::now();
    phaseMs[p] += std::chrono::duration<double, std::milli>(now - mark_).count();
    mark_ = now;
  }
};

}  // namespace genlab
