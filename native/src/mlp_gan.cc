#include "mlp_gan.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "gan_head.h"
#include "gemm.h"
#include "parallel.h"

namespace genlab {

namespace {

size_t roundUp16(size_t n) { return (n + 15) / 16 * 16; }

// Adam over a whole net's flat buffers, split across the pool (chunks of 32k floats, 128 KiB per array).
void adamAll(ParallelFor& pool, MlpParams& net, const AdamConfig& c, long t) {
  float *p = net.params.data(), *g = net.grads.data(), *m = net.m.data(), *v = net.v.data();
  pool.run(net.params.size(), 32768, [&](size_t b, size_t e) { adam_update(p + b, g + b, m + b, v + b, e - b, c, t); });
}

}  // namespace

MlpParams::MlpParams(const std::vector<int>& widths, Act hidden, Act last) {
  const size_t nl = widths.size() - 1;
  size_t total = 0;
  for (size_t k = 0; k < nl; ++k) {
    const size_t w = static_cast<size_t>(widths[k]) * widths[k + 1], b = widths[k + 1];
    offset.push_back(total);
    count.push_back(w);
    total += roundUp16(w);
    offset.push_back(total);
    count.push_back(b);
    total += roundUp16(b);
  }
  params.resize(total);
  grads.resize(total);
  m.resize(total);
  v.resize(total);
  for (size_t k = 0; k < nl; ++k) {
    Dense L;
    L.in = widths[k];
    L.out = widths[k + 1];
    L.act = k + 1 == nl ? last : hidden;
    L.W = params.data() + offset[2 * k];
    L.b = params.data() + offset[2 * k + 1];
    L.dW = grads.data() + offset[2 * k];
    L.db = grads.data() + offset[2 * k + 1];
    layers.push_back(L);
  }
}

MlpGan::MlpGan(const MlpSpec& spec)
    : G(spec.gLayers, Act::LeakyRelu, Act::Tanh), D(spec.dLayers, Act::LeakyRelu, Act::None), spec_(spec) {
  gIn_ = spec.gLayers.front();
  dIn_ = spec.dLayers.front();
  zDim_ = gIn_ - spec.numClasses;
  imgDim_ = spec.gLayers.back();
  dLabels_ = spec.auxClassifier ? 0 : spec.numClasses;  // one-hot columns after the image in D's input
  outW_ = spec.dLayers.back();
  for (int w : spec.gLayers) maxWidth_ = std::max(maxWidth_, w);
  for (int w : spec.dLayers) maxWidth_ = std::max(maxWidth_, w);
}

const char* MlpGan::phaseName(int p) {
  static const char* names[kPhases] = {"gForward", "dForward", "dLoss", "dBackward", "dAdam",
                                       "gStepDForward", "gStepDBackward", "gBackward", "gAdam"};
  return p >= 0 && p < kPhases ? names[p] : "?";
}

void MlpGan::ensureCapacity(int batch) {
  if (batch <= cap_) return;
  const size_t B = static_cast<size_t>(batch);
  gX_.resize(B * gIn_);
  dX_.resize(2 * B * dIn_);
  gradA_.resize(2 * B * maxWidth_);
  gradB_.resize(2 * B * maxWidth_);
  gActs_.clear();
  for (size_t k = 0; k + 1 < G.layers.size(); ++k) gActs_.emplace_back(B * G.layers[k].out);
  dActs_.clear();
  for (const Dense& L : D.layers) dActs_.emplace_back(2 * B * L.out);
  cap_ = batch;
}

void MlpGan::fillInput(float* X, int ld, const float* src, int srcDim, const int32_t* labels, int C, int rows) {
  for (int i = 0; i < rows; ++i) {
    float* x = X + static_cast<long>(i) * ld;
    if (src) std::copy(src + static_cast<long>(i) * srcDim, src + static_cast<long>(i + 1) * srcDim, x);
    if (C > 0) {
      std::fill(x + srcDim, x + srcDim + C, 0.0f);
      x[srcDim + labels[i]] = 1.0f;
    }
  }
}

void MlpGan::forward(MlpParams& net, std::vector<FloatBuf>& acts, const float* X0, int ldx0, int rows, float* out,
                     int ldOut) {
  const float* X = X0;
  int ldx = ldx0;
  const size_t nl = net.layers.size();
  for (size_t k = 0; k < nl; ++k) {
    const Dense& L = net.layers[k];
    const bool last = k + 1 == nl;
    float* Y = last ? out : acts[k].data();
    const int ldy = last ? ldOut : L.out;
    dense_forward(pool_, L, X, ldx, Y, ldy, rows, spec_.slope);
    X = Y;
    ldx = ldy;
  }
}

StepResult MlpGan::step(const float* real, const float* z, const int32_t* labels, int B) {
  if (B <= 0) throw std::invalid_argument("batch must be positive");
  ensureCapacity(B);
  pool_.setThreads(compute_threads());  // a no-op unless setThreads() changed it
  const float slope = spec_.slope;
  const size_t nG = G.layers.size(), nD = D.layers.size();
  if (profile) mark_ = Clock::now();

  // ---- fake = G([z, onehot]) written straight into D's input rows B..2B (stride dIn) ----
  fillInput(gX_.data(), gIn_, z, zDim_, labels, spec_.numClasses, B);
  float* fakeRows = dX_.data() + static_cast<long>(B) * dIn_;
  forward(G, gActs_, gX_.data(), gIn_, B, fakeRows, dIn_);
  tick(kGForward);

  // ---- D step on [real; fake] as one 2B-row batch ----
  fillInput(dX_.data(), dIn_, real, imgDim_, labels, dLabels_, B);
  fillInput(fakeRows, dIn_, nullptr, imgDim_, labels, dLabels_, B);  // one-hot columns of the fake rows
  float* logits = dActs_[nD - 1].data();
  forward(D, dActs_, dX_.data(), dIn_, 2 * B, logits, outW_);
  tick(kDForward);

  float* dl = gradA_.data();
  const int classes = spec_.auxClassifier ? spec_.numClasses : 0;
  StepResult r = discriminatorLoss(logits, outW_, classes, labels, B, dl);
  tick(kDLoss);

  {
    float* dY = gradA_.data();
    float* other = gradB_.data();
    int lddy = outW_;
    for (size_t k = nD; k-- > 0;) {
      const Dense& L = D.layers[k];
      const float* X = k == 0 ? dX_.data() : dActs_[k - 1].data();
      const int ldx = k == 0 ? dIn_ : D.layers[k - 1].out;
      float* dX = k == 0 ? nullptr : other;
      dense_backward(pool_, L, X, ldx, dActs_[k].data(), L.out, dY, lddy, 2 * B, slope, true, dX, L.in, L.in);
      std::swap(dY, other);
      lddy = L.in;
    }
  }
  tick(kDBackward);
  ++t;
  adamAll(pool_, D, spec_.adam, t);
  tick(kDAdam);

  // ---- G step: BCE(D'(fake), 1) through the updated D, back into G ----
  forward(D, dActs_, fakeRows, dIn_, B, logits, outW_);
  tick(kGStepDForward);
  r.gLoss = generatorLoss(logits, outW_, classes, labels, B, dl);
  float* dY = gradA_.data();
  float* other = gradB_.data();
  int lddy = outW_;
  for (size_t k = nD; k-- > 0;) {
    const Dense& L = D.layers[k];
    const float* X = k == 0 ? fakeRows : dActs_[k - 1].data();
    const int ldx = k == 0 ? dIn_ : D.layers[k - 1].out;
    // Only the image columns of D's input need a gradient (not the one-hot ones).
    const int dxCols = k == 0 ? imgDim_ : L.in;
    dense_backward(pool_, L, X, ldx, dActs_[k].data(), L.out, dY, lddy, B, slope, false, other, L.in, dxCols);
    std::swap(dY, other);
    lddy = L.in;
  }
  tick(kGStepDBackward);
  // dY now holds dLoss/dfake (B × imgDim, stride dIn).
  for (size_t k = nG; k-- > 0;) {
    const Dense& L = G.layers[k];
    const float* X = k == 0 ? gX_.data() : gActs_[k - 1].data();
    const int ldx = k == 0 ? gIn_ : G.layers[k - 1].out;
    const float* Y = k + 1 == nG ? fakeRows : gActs_[k].data();
    const int ldy = k + 1 == nG ? dIn_ : L.out;
    float* dX = k == 0 ? nullptr : other;
    dense_backward(pool_, L, X, ldx, Y, ldy, dY, lddy, B, slope, true, dX, L.in, L.in);
    std::swap(dY, other);
    lddy = L.in;
  }
  tick(kGBackward);
  adamAll(pool_, G, spec_.adam, t);
  tick(kGAdam);
  if (profile) ++profiledSteps;
  return r;
}

void MlpGan::generate(const float* z, const int32_t* labels, int n, float* out) {
  if (n <= 0) return;
  pool_.setThreads(compute_threads());
  const int chunk = std::min(n, 1024);
  if (chunk > genCap_) {
    genX_.resize(static_cast<size_t>(chunk) * gIn_);
    genActs_.clear();
    for (size_t k = 0; k + 1 < G.layers.size(); ++k) genActs_.emplace_back(static_cast<size_t>(chunk) * G.layers[k].out);
    genCap_ = chunk;
  }
  for (int r0 = 0; r0 < n; r0 += genCap_) {
    const int rows = std::min(genCap_, n - r0);
    fillInput(genX_.data(), gIn_, z + static_cast<long>(r0) * zDim_, zDim_, labels ? labels + r0 : nullptr,
              spec_.numClasses, rows);
    forward(G, genActs_, genX_.data(), gIn_, rows, out + static_cast<long>(r0) * imgDim_, imgDim_);
  }
}

std::vector<double> MlpGan::gradNorms() const { return tensorNorms(G, G.grads.data()); }

std::vector<double> MlpGan::weightNorms() const { return tensorNorms(G, G.params.data()); }

}  // namespace genlab
