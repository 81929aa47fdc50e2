// The DCGAN step of dcgan.h over a backend `Ops` (cpu_ops.h: OpenBLAS on the host; kernel_ops.h:
// CUDA kernels, on a GPU or run on the host). Ops owns memory ("device" pointers: host memory on
// the CPU backend), runs every layer's arithmetic, and moves the few host↔device copies a step
// needs: the batch in, D's logits out and their gradient back (the loss is computed on the host
// by gan_head.h, 64–128 rows). The order of operations is the TensorFlow.js trainer's.
#pragma once

#include <algorithm>
#include <cstring>
#include <vector>

#include "conv_geom.h"
#include "dcgan.h"
#include "gan_head.h"

namespace genlab {

template <class Ops>
class DcganStep final : public DcganTrainer {
  using Buf = typename Ops::Buf;
  using IntBuf = typename Ops::IntBuf;

 public:
  template <class... Args>
  explicit DcganStep(const DcganSpec& spec, Args&&... opsArgs) : DcganTrainer(spec), ops_(std::forward<Args>(opsArgs)...) {
    const int H = spec.height, W = spec.width, C = spec.channels;
    K_ = spec.numClasses;
    dK_ = spec.auxClassifier ? 0 : K_;
    outW_ = spec.auxClassifier ? 1 + K_ : 1;
    base_ = H / 4;
    F_ = base_ * base_ * 256;
    zin_ = spec.zDim + K_;
    Cd_ = C + (dK_ ? 1 : 0);
    // Transposed convolutions, as the convolution from their output (big) to their input (small).
    ct1_ = ConvGeom::same(base_, base_, 128, 256, 1);
    ct2_ = ConvGeom::same(2 * base_, 2 * base_, 64, 128, 2);
    ct3_ = ConvGeom::same(H, W, C, 64, 2);
    c1_ = ConvGeom::same(H, W, Cd_, 64, 2);
    c2_ = ConvGeom::same(c1_.OH, c1_.OW, 64, 128, 2);
    Fd_ = c2_.OH * c2_.OW * 128;

    G.add(static_cast<size_t>(zin_) * F_);
    G.add(F_), G.add(F_);
    G.add(static_cast<size_t>(ct1_.K()) * 256), G.add(128), G.add(128);
    G.add(static_cast<size_t>(ct2_.K()) * 128), G.add(64), G.add(64);
    G.add(static_cast<size_t>(ct3_.K()) * 64), G.add(C);
    for (int c : {F_, F_, 128, 128, 64, 64}) Gstats.add(c);
    dOff_ = 0;
    if (dK_) {
      D.add(static_cast<size_t>(K_) * H * W), D.add(static_cast<size_t>(H) * W);
      dOff_ = 2;
    }
    D.add(static_cast<size_t>(c1_.K()) * 64), D.add(64);
    D.add(static_cast<size_t>(c2_.K()) * 128), D.add(128);
    D.add(128), D.add(128);
    D.add(static_cast<size_t>(Fd_) * outW_), D.add(outW_);
    Dstats.add(128), Dstats.add(128);
    G.allocate(true), D.allocate(true), Gstats.allocate(false), Dstats.allocate(false);
    // tf.layers' initial batch-norm state (the caller's weights normally replace all of it).
    auto fill = [](float* p, size_t n, float v) { std::fill(p, p + n, v); };
    for (int i : {GGamma0, GGamma1, GGamma2}) fill(G.p(i), G.count[i], 1.0f);
    for (int i : {GVar0, GVar1, GVar2}) fill(Gstats.p(i), Gstats.count[i], 1.0f);
    fill(D.p(dOff_ + DGamma), 128, 1.0f);
    fill(Dstats.p(1), 128, 1.0f);
    ops_.reserveChannels(std::max(F_, 128));
    ops_.ensure(mean2_, 256), ops_.ensure(var2_, 256);
    for (auto [set, dev] : sets()) ops_.mirror(*set, *dev);
  }

  StepResult step(const float* real, const float* z, const int32_t* labelsHost, int B) override {
    ops_.begin();
    hostStale_ = true;  // the binding pulls before it reads the host copies
    ensureG(train_, B, true);
    ensureD(2 * B);
    const float mom = spec_.bnMomentum;
    const float* zDev = ops_.stage(z_, z, static_cast<size_t>(B) * spec_.zDim);
    const float* realDev = ops_.stage(real_, real, static_cast<size_t>(B) * imgDim());
    const int32_t* labels = labelsHost ? ops_.stageLabels(labels_, labelsHost, B) : nullptr;

    // fake = G(z). The tfjs trainer runs G twice per step (here and in the G step) with the same
    // weights and batch, so the running statistics take the same batch statistics twice.
    gForward(train_, zDev, labels, B, true);
    const float* batchStats[] = {train_.mean0.data(), train_.var0.data(), train_.mean1.data(),
                                 train_.var1.data(), train_.mean2.data(), train_.var2.data()};
    for (int pass = 0; pass < 2; ++pass)
      for (int i = 0; i < 6; ++i) ops_.movingAverage(static_cast<int>(Gstats.count[i]), gs(i), batchStats[i], mom);

    // ---- D step: real rows 0..B-1, fake rows B..2B-1, each half with its own batch statistics ----
    fillD(0, realDev, labels, B);
    fillD(B, train_.out.data(), labels, B);
    dForward(2 * B, 2);
    const int classes = outW_ - 1;
    const size_t nl = static_cast<size_t>(2 * B) * outW_;
    StepResult res = discriminatorLoss(ops_.toHost(logitsHost_, logits_.data(), nl), outW_, classes, labelsHost, B,
                                       ops_.hostView(dlogitHost_, dlogit_.data(), nl));
    ops_.fromHost(dlogit_.data(), dlogitHost_, nl);
    ops_.zero(dev_[1].g, D.grads.size());
    dBackward(2 * B, 2, true, dK_ > 0, labels, B);
    for (int h = 0; h < 2; ++h) {
      ops_.movingAverage(128, ds(0), mean2_.data() + h * 128, mom);
      ops_.movingAverage(128, ds(1), var2_.data() + h * 128, mom);
    }
    ++t;
    ops_.adam(dev_[1].p, dev_[1].g, dev_[1].m, dev_[1].v, D.params.size(), spec_.adam, t);

    // ---- G step: BCE(D′(G(z)), 1) through the updated D ----
    fillD(0, train_.out.data(), labels, B);
    dForward(B, 1);
    ops_.movingAverage(128, ds(0), mean2_.data(), mom);
    ops_.movingAverage(128, ds(1), var2_.data(), mom);
    const size_t ng = static_cast<size_t>(B) * outW_;
    res.gLoss = generatorLoss(ops_.toHost(logitsHost_, logits_.data(), ng), outW_, classes, labelsHost, B,
                              ops_.hostView(dlogitHost_, dlogit_.data(), ng));
    ops_.fromHost(dlogit_.data(), dlogitHost_, ng);
    // D's batch-norm parameter gradients from this pass are not used (D is not updated here).
    dBackward(B, 1, false, true, labels, B);
    ops_.stripChannels(train_.dOut.data(), dxin_.data(), B, spec_.height * spec_.width, spec_.channels, Cd_);
    ops_.zero(dev_[0].g, G.grads.size());
    gBackward(train_, B);
    ops_.adam(dev_[0].p, dev_[0].g, dev_[0].m, dev_[0].v, G.params.size(), spec_.adam, t);
    ops_.finish();
    return res;
  }

  void generate(const float* z, const int32_t* labelsHost, int n, float* out) override {
    ops_.begin();
    ensureG(gen_, n, false);
    const float* zDev = ops_.stage(z_, z, static_cast<size_t>(n) * spec_.zDim);
    const int32_t* labels = labelsHost ? ops_.stageLabels(labels_, labelsHost, n) : nullptr;
    gForward(gen_, zDev, labels, n, false);
    ops_.download(out, gen_.out.data(), static_cast<size_t>(n) * imgDim());
    ops_.finish();
  }

  void pull() override {
    if (!hostStale_) return;
    for (auto [set, dev] : sets()) ops_.pull(*set, *dev);
    hostStale_ = false;
  }
  void push() override {
    for (auto [set, dev] : sets()) ops_.push(*set, *dev);
  }

  Ops& ops() { return ops_; }

 private:
  // G tensors (tf.layers order) and D tensors after the optional label dense.
  enum { GWd, GGamma0, GBeta0, GW1, GGamma1, GBeta1, GW2, GGamma2, GBeta2, GW3, GB3 };
  enum { GMean0, GVar0, GMean1, GVar1, GMean2, GVar2 };
  enum { DW1, DB1, DW2, DB2, DGamma, DBeta, DWd, DBd };
  enum { DWl, DBl };

  // G's activations for `rows` images (training keeps what backward needs).
  struct GWork {
    int cap = 0;
    Buf gin, a0, xhat0, h0, a1, xhat1, h1, a2, xhat2, h2, out, cols;
    Buf mean0, var0, mean1, var1, mean2, var2;
    Buf dOut, dh2, dh1, dh0;
  };

  // Where each TensorSet lives on the backend: [G, D, Gstats, Dstats].
  typename Ops::Mirror dev_[4];
  std::vector<std::pair<TensorSet*, typename Ops::Mirror*>> sets() {
    return {{&G, &dev_[0]}, {&D, &dev_[1]}, {&Gstats, &dev_[2]}, {&Dstats, &dev_[3]}};
  }
  float* gp(int i) { return dev_[0].p + G.offset[i]; }
  float* gg(int i) { return dev_[0].g + G.offset[i]; }
  float* dp(int i) { return dev_[1].p + D.offset[dOff_ + i]; }
  float* dg(int i) { return dev_[1].g + D.offset[dOff_ + i]; }
  float* gs(int i) { return dev_[2].p + Gstats.offset[i]; }
  float* ds(int i) { return dev_[3].p + Dstats.offset[i]; }

  void ensureG(GWork& w, int n, bool training) {
    if (n <= w.cap) return;
    const size_t bb = static_cast<size_t>(base_) * base_, rows = n;
    ops_.ensure(w.gin, rows * zin_);
    ops_.ensure(w.a0, rows * F_), ops_.ensure(w.h0, rows * F_);
    ops_.ensure(w.a1, rows * bb * 128), ops_.ensure(w.h1, rows * bb * 128);
    ops_.ensure(w.a2, rows * bb * 4 * 64), ops_.ensure(w.h2, rows * bb * 4 * 64);
    ops_.ensure(w.out, rows * imgDim());
    ops_.ensure(w.cols, std::max(rows * bb * ct1_.K(), rows * bb * 4 * ct3_.K()));
    ops_.ensure(w.mean0, F_), ops_.ensure(w.var0, F_), ops_.ensure(w.mean1, 128), ops_.ensure(w.var1, 128);
    ops_.ensure(w.mean2, 64), ops_.ensure(w.var2, 64);
    if (training) {
      ops_.ensure(w.xhat0, rows * F_), ops_.ensure(w.xhat1, rows * bb * 128), ops_.ensure(w.xhat2, rows * bb * 4 * 64);
      ops_.ensure(w.dOut, rows * imgDim()), ops_.ensure(w.dh2, rows * bb * 4 * 64), ops_.ensure(w.dh1, rows * bb * 128);
      ops_.ensure(w.dh0, rows * F_);
    }
    w.cap = n;
  }

  void ensureD(int R) {
    if (R <= dCap_) return;
    const size_t r = R, hw1 = c1_.smallPixels(), hw2 = c2_.smallPixels();
    ops_.ensure(xin_, r * c1_.bigSize()), ops_.ensure(dxin_, r * c1_.bigSize());
    ops_.ensure(cols1_, r * hw1 * c1_.K()), ops_.ensure(h1_, r * hw1 * 64), ops_.ensure(dh1_, r * hw1 * 64);
    ops_.ensure(cols2_, r * hw2 * c2_.K());
    ops_.ensure(a2_, r * Fd_), ops_.ensure(xhat2_, r * Fd_), ops_.ensure(h2_, r * Fd_), ops_.ensure(dh2_, r * Fd_);
    ops_.ensure(logits_, r * outW_), ops_.ensure(dlogit_, r * outW_);
    dCap_ = R;
  }

  void gForward(GWork& w, const float* z, const int32_t* labels, int n, bool training) {
    const int bb = base_ * base_;
    const float eps = spec_.bnEps;
    ops_.gInput(w.gin.data(), z, labels, n, spec_.zDim, K_);
    ops_.gemm(false, false, n, F_, zin_, w.gin.data(), zin_, gp(GWd), F_, w.a0.data(), F_);
    auto bn = [&](int N, int C, float* a, float* xhat, float* h, float* mean, float* var, int gi, int si) {
      if (training) ops_.bnTrain(N, C, a, gp(gi), gp(gi + 1), eps, 0.0f, xhat, h, mean, var);
      else ops_.bnInfer(N, C, a, gp(gi), gp(gi + 1), gs(si), gs(si + 1), eps, 0.0f, h);
    };
    bn(n, F_, w.a0.data(), w.xhat0.data(), w.h0.data(), w.mean0.data(), w.var0.data(), GGamma0, GMean0);
    // Transposed convolution: cols = x · Wᵀ (W as [25·Cout][Cin]), scattered into the bigger map.
    ops_.gemm(false, true, n * bb, ct1_.K(), 256, w.h0.data(), 256, gp(GW1), 256, w.cols.data(), ct1_.K());
    ops_.col2im(ct1_, n, w.cols.data(), w.a1.data());
    bn(n * bb, 128, w.a1.data(), w.xhat1.data(), w.h1.data(), w.mean1.data(), w.var1.data(), GGamma1, GMean1);
    ops_.gemm(false, true, n * bb, ct2_.K(), 128, w.h1.data(), 128, gp(GW2), 128, w.cols.data(), ct2_.K());
    ops_.col2im(ct2_, n, w.cols.data(), w.a2.data());
    bn(n * bb * 4, 64, w.a2.data(), w.xhat2.data(), w.h2.data(), w.mean2.data(), w.var2.data(), GGamma2, GMean2);
    ops_.gemm(false, true, n * bb * 4, ct3_.K(), 64, w.h2.data(), 64, gp(GW3), 64, w.cols.data(), ct3_.K());
    ops_.col2im(ct3_, n, w.cols.data(), w.out.data());
    ops_.biasTanh(w.out.data(), gp(GB3), static_cast<size_t>(n) * spec_.height * spec_.width, spec_.channels);
  }

  void gBackward(GWork& w, int B) {
    const int C = spec_.channels, bb = base_ * base_;
    const float eps = spec_.bnEps;
    float* dA3 = w.dOut.data();
    ops_.tanhGrad(dA3, w.out.data(), static_cast<size_t>(B) * imgDim());
    ops_.channelSums(B * spec_.height * spec_.width, C, dA3, gg(GB3));
    float* cols = w.cols.data();
    // convT data gradient = a convolution of dY; filter gradient = im2col(dY)ᵀ · x.
    ops_.im2col(ct3_, B, dA3, cols);
    ops_.gemm(true, false, ct3_.K(), 64, B * bb * 4, cols, ct3_.K(), w.h2.data(), 64, gg(GW3), 64);
    ops_.gemm(false, false, B * bb * 4, 64, ct3_.K(), cols, ct3_.K(), gp(GW3), 64, w.dh2.data(), 64);
    ops_.bnBackward(B * bb * 4, 64, w.dh2.data(), w.h2.data(), w.xhat2.data(), gp(GGamma2), w.var2.data(), eps, 0.0f,
                    w.dh2.data(), gg(GGamma2), gg(GBeta2));
    ops_.im2col(ct2_, B, w.dh2.data(), cols);
    ops_.gemm(true, false, ct2_.K(), 128, B * bb, cols, ct2_.K(), w.h1.data(), 128, gg(GW2), 128);
    ops_.gemm(false, false, B * bb, 128, ct2_.K(), cols, ct2_.K(), gp(GW2), 128, w.dh1.data(), 128);
    ops_.bnBackward(B * bb, 128, w.dh1.data(), w.h1.data(), w.xhat1.data(), gp(GGamma1), w.var1.data(), eps, 0.0f,
                    w.dh1.data(), gg(GGamma1), gg(GBeta1));
    ops_.im2col(ct1_, B, w.dh1.data(), cols);
    ops_.gemm(true, false, ct1_.K(), 256, B * bb, cols, ct1_.K(), w.h0.data(), 256, gg(GW1), 256);
    ops_.gemm(false, false, B * bb, 256, ct1_.K(), cols, ct1_.K(), gp(GW1), 256, w.dh0.data(), 256);
    ops_.bnBackward(B, F_, w.dh0.data(), w.h0.data(), w.xhat0.data(), gp(GGamma0), w.var0.data(), eps, 0.0f,
                    w.dh0.data(), gg(GGamma0), gg(GBeta0));
    ops_.gemm(true, false, zin_, F_, B, w.gin.data(), zin_, w.dh0.data(), F_, gg(GWd), F_);
  }

  // D's input rows [row0, row0 + n): images and, when conditional, the label map channel.
  void fillD(int row0, const float* images, const int32_t* labels, int n) {
    const float* Wl = dK_ ? dev_[1].p + D.offset[DWl] : nullptr;
    const float* bl = dK_ ? dev_[1].p + D.offset[DBl] : nullptr;
    ops_.fillD(xin_.data() + static_cast<size_t>(row0) * c1_.bigSize(), images, labels, n,
               spec_.height * spec_.width, spec_.channels, Cd_, Wl, bl);
  }

  void dForward(int R, int halves) {
    const int hw1 = c1_.smallPixels(), hw2 = c2_.smallPixels();
    const float slope = spec_.slope;
    ops_.im2col(c1_, R, xin_.data(), cols1_.data());
    ops_.gemm(false, false, R * hw1, 64, c1_.K(), cols1_.data(), c1_.K(), dp(DW1), 64, h1_.data(), 64);
    ops_.biasLeaky(h1_.data(), dp(DB1), static_cast<size_t>(R) * hw1, 64, slope);
    ops_.im2col(c2_, R, h1_.data(), cols2_.data());
    ops_.gemm(false, false, R * hw2, 128, c2_.K(), cols2_.data(), c2_.K(), dp(DW2), 128, a2_.data(), 128);
    ops_.biasAdd(a2_.data(), dp(DB2), static_cast<size_t>(R) * hw2, 128);
    const int per = R / halves;
    for (int h = 0; h < halves; ++h) {
      const size_t off = static_cast<size_t>(h) * per * Fd_;
      ops_.bnTrain(per * hw2, 128, a2_.data() + off, dp(DGamma), dp(DBeta), spec_.bnEps, slope, xhat2_.data() + off,
                   h2_.data() + off, mean2_.data() + h * 128, var2_.data() + h * 128);
    }
    ops_.gemmSmall(false, false, R, outW_, Fd_, h2_.data(), Fd_, dp(DWd), outW_, logits_.data(), outW_);
    ops_.biasAdd(logits_.data(), dp(DBd), R, outW_);
  }

  void dBackward(int R, int halves, bool weightGrads, bool inputGrad, const int32_t* labels, int B) {
    const int hw1 = c1_.smallPixels(), hw2 = c2_.smallPixels();
    const float slope = spec_.slope;
    const float* dl = dlogit_.data();
    if (weightGrads) {
      ops_.gemmSmall(true, false, Fd_, outW_, R, h2_.data(), Fd_, dl, outW_, dg(DWd), outW_);
      ops_.columnSums(R, outW_, dl, dg(DBd));
    }
    float* dh2 = dh2_.data();
    ops_.gemmSmall(false, true, R, Fd_, outW_, dl, outW_, dp(DWd), outW_, dh2, Fd_);
    const int per = R / halves;
    for (int h = 0; h < halves; ++h) {
      const size_t off = static_cast<size_t>(h) * per * Fd_;
      ops_.bnBackward(per * hw2, 128, dh2 + off, h2_.data() + off, xhat2_.data() + off, dp(DGamma), var2_.data() + h * 128,
                      spec_.bnEps, slope, dh2 + off, dg(DGamma), dg(DBeta));
    }
    if (weightGrads) {
      ops_.channelSums(R * hw2, 128, dh2, dg(DB2));
      ops_.gemm(true, false, c2_.K(), 128, R * hw2, cols2_.data(), c2_.K(), dh2, 128, dg(DW2), 128);
    }
    ops_.gemm(false, true, R * hw2, c2_.K(), 128, dh2, 128, dp(DW2), 128, cols2_.data(), c2_.K());
    ops_.col2im(c2_, R, cols2_.data(), dh1_.data());
    ops_.leakyGrad(dh1_.data(), h1_.data(), static_cast<size_t>(R) * hw1 * 64, slope);
    if (weightGrads) {
      ops_.channelSums(R * hw1, 64, dh1_.data(), dg(DB1));
      ops_.gemm(true, false, c1_.K(), 64, R * hw1, cols1_.data(), c1_.K(), dh1_.data(), 64, dg(DW1), 64);
    }
    if (!inputGrad) return;
    ops_.gemm(false, true, R * hw1, c1_.K(), 64, dh1_.data(), 64, dp(DW1), 64, cols1_.data(), c1_.K());
    ops_.col2im(c1_, R, cols1_.data(), dxin_.data());
    // The label map's dense layer: one-hot rows pick Wl's row, so its gradient is a row sum.
    if (weightGrads && dK_)
      ops_.labelMapGrad(dev_[1].g + D.offset[DWl], dev_[1].g + D.offset[DBl], dxin_.data(), labels, R, B, K_,
                        spec_.height * spec_.width, Cd_, spec_.channels);
  }

  Ops ops_;
  bool hostStale_ = false;
  int K_;                 // label width (0: unconditional)
  int dK_;                // label width of D's label-map input (0: unconditional or AC-GAN)
  int outW_;              // D's outputs: 1, or 1 + K_ with the auxiliary classifier
  int base_, F_, zin_, Cd_, Fd_, dOff_;
  ConvGeom ct1_, ct2_, ct3_, c1_, c2_;
  GWork train_, gen_;
  int dCap_ = 0;
  Buf xin_, cols1_, h1_, cols2_, a2_, xhat2_, h2_, logits_, dlogit_, dh2_, dh1_, dxin_;
  Buf mean2_, var2_;  // per half: 2 × 128
  Buf z_, real_;      // the batch, staged where the backend computes
  IntBuf labels_;
  std::vector<float> logitsHost_, dlogitHost_;
};

}  // namespace genlab
