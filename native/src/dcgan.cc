#include "dcgan.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "gan_head.h"
#include "gemm.h"
#include "vecmath.h"

namespace genlab {

namespace {

size_t roundUp16(size_t n) { return (n + 15) / 16 * 16; }

void adamAll(ParallelFor& pool, TensorSet& net, const AdamConfig& c, long t) {
  float *p = net.params.data(), *g = net.grads.data(), *m = net.m.data(), *v = net.v.data();
  pool.run(net.params.size(), 32768, [&](size_t b, size_t e) { adam_update(p + b, g + b, m + b, v + b, e - b, c, t); });
}

void ensure(FloatBuf& b, size_t n) {
  if (b.size() < n) b.resize(n);
}

// G tensors (tf.layers order) and D tensors after the optional label dense.
enum { GWd, GGamma0, GBeta0, GW1, GGamma1, GBeta1, GW2, GGamma2, GBeta2, GW3, GB3 };
enum { GMean0, GVar0, GMean1, GVar1, GMean2, GVar2 };
enum { DW1, DB1, DW2, DB2, DGamma, DBeta, DWd, DBd };
enum { DWl, DBl };

}  // namespace

int TensorSet::add(size_t n) {
  offset.push_back(total_);
  count.push_back(n);
  total_ += roundUp16(n);
  return static_cast<int>(offset.size()) - 1;
}

void TensorSet::allocate(bool trainable) {
  params.resize(total_);
  if (!trainable) return;
  grads.resize(total_);
  m.resize(total_);
  v.resize(total_);
}

Dcgan::Dcgan(const DcganSpec& spec) : spec_(spec) {
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
  scratch_.resize((2 * kParts + 2) * static_cast<size_t>(std::max(F_, 128)));
  mean2_.resize(256), var2_.resize(256);
}

void Dcgan::ensureG(GWork& w, int n, bool training) {
  if (n <= w.cap) return;
  const size_t bb = static_cast<size_t>(base_) * base_, rows = n;
  ensure(w.gin, rows * zin_);
  ensure(w.a0, rows * F_), ensure(w.h0, rows * F_);
  ensure(w.a1, rows * bb * 128), ensure(w.h1, rows * bb * 128);
  ensure(w.a2, rows * bb * 4 * 64), ensure(w.h2, rows * bb * 4 * 64);
  ensure(w.out, rows * imgDim());
  ensure(w.cols, std::max(rows * bb * ct1_.K(), rows * bb * 4 * ct3_.K()));
  ensure(w.mean0, F_), ensure(w.var0, F_), ensure(w.mean1, 128), ensure(w.var1, 128), ensure(w.mean2, 64), ensure(w.var2, 64);
  if (training) {
    ensure(w.xhat0, rows * F_), ensure(w.xhat1, rows * bb * 128), ensure(w.xhat2, rows * bb * 4 * 64);
    ensure(w.dOut, rows * imgDim()), ensure(w.dh2, rows * bb * 4 * 64), ensure(w.dh1, rows * bb * 128), ensure(w.dh0, rows * F_);
  }
  w.cap = n;
}

void Dcgan::ensureD(int R) {
  if (R <= dCap_) return;
  const size_t r = R, hw1 = c1_.smallPixels(), hw2 = c2_.smallPixels();
  ensure(xin_, r * c1_.bigSize()), ensure(dxin_, r * c1_.bigSize());
  ensure(cols1_, r * hw1 * c1_.K()), ensure(h1_, r * hw1 * 64), ensure(dh1_, r * hw1 * 64);
  ensure(cols2_, r * hw2 * c2_.K());
  ensure(a2_, r * Fd_), ensure(xhat2_, r * Fd_), ensure(h2_, r * Fd_), ensure(dh2_, r * Fd_);
  ensure(logits_, r * outW_), ensure(dlogit_, r * outW_);
  dCap_ = R;
}

void Dcgan::gForward(GWork& w, const float* z, const int32_t* labels, int n, bool training) {
  const int zd = spec_.zDim, bb = base_ * base_;
  const float eps = spec_.bnEps;
  for (int r = 0; r < n; ++r) {
    float* row = w.gin.data() + static_cast<size_t>(r) * zin_;
    std::memcpy(row, z + static_cast<size_t>(r) * zd, sizeof(float) * zd);
    if (K_) {
      std::fill(row + zd, row + zin_, 0.0f);
      row[zd + labels[r]] = 1.0f;
    }
  }
  pgemm(pool_, false, false, n, F_, zin_, w.gin.data(), zin_, G.p(GWd), F_, w.a0.data(), F_);
  auto bn = [&](int N, int C, float* a, float* xhat, float* h, float* mean, float* var, int gi, int si) {
    if (training) bnForwardTrain(pool_, N, C, a, G.p(gi), G.p(gi + 1), eps, 0.0f, xhat, h, mean, var, scratch_.data());
    else bnForwardInfer(pool_, N, C, a, G.p(gi), G.p(gi + 1), Gstats.p(si), Gstats.p(si + 1), eps, 0.0f, h);
  };
  bn(n, F_, w.a0.data(), w.xhat0.data(), w.h0.data(), w.mean0.data(), w.var0.data(), GGamma0, GMean0);
  // Transposed convolution: cols = x · Wᵀ (W as [25·Cout][Cin]), scattered into the bigger map.
  pgemm(pool_, false, true, n * bb, ct1_.K(), 256, w.h0.data(), 256, G.p(GW1), 256, w.cols.data(), ct1_.K());
  col2im(pool_, ct1_, n, w.cols.data(), w.a1.data());
  bn(n * bb, 128, w.a1.data(), w.xhat1.data(), w.h1.data(), w.mean1.data(), w.var1.data(), GGamma1, GMean1);
  pgemm(pool_, false, true, n * bb, ct2_.K(), 128, w.h1.data(), 128, G.p(GW2), 128, w.cols.data(), ct2_.K());
  col2im(pool_, ct2_, n, w.cols.data(), w.a2.data());
  bn(n * bb * 4, 64, w.a2.data(), w.xhat2.data(), w.h2.data(), w.mean2.data(), w.var2.data(), GGamma2, GMean2);
  pgemm(pool_, false, true, n * bb * 4, ct3_.K(), 64, w.h2.data(), 64, G.p(GW3), 64, w.cols.data(), ct3_.K());
  col2im(pool_, ct3_, n, w.cols.data(), w.out.data());
  const int C = spec_.channels;
  const float* b3 = G.p(GB3);
  float* out = w.out.data();
  const size_t pixels = static_cast<size_t>(n) * spec_.height * spec_.width;
  pool_.run(pixels, 1024, [&](size_t p0, size_t p1) {
    for (size_t p = p0; p < p1; ++p)
      for (int c = 0; c < C; ++c) out[p * C + c] = vtanh(out[p * C + c] + b3[c]);
  });
}

void Dcgan::gBackward(GWork& w, int B) {
  const int C = spec_.channels, bb = base_ * base_;
  const float eps = spec_.bnEps;
  float* dA3 = w.dOut.data();
  const float* out = w.out.data();
  const size_t n3 = static_cast<size_t>(B) * imgDim();
  pool_.run(n3, 4096, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) dA3[i] *= 1.0f - out[i] * out[i];
  });
  {
    double* s = scratch_.data() + 2 * kParts * static_cast<size_t>(std::max(F_, 128));
    channelSums(pool_, B * spec_.height * spec_.width, C, dA3, nullptr, s, nullptr, scratch_.data());
    for (int c = 0; c < C; ++c) G.g(GB3)[c] = static_cast<float>(s[c]);
  }
  float* cols = w.cols.data();
  // convT data gradient = a convolution of dY; filter gradient = im2col(dY)ᵀ · x.
  im2col(pool_, ct3_, B, dA3, cols);
  pgemm(pool_, true, false, ct3_.K(), 64, B * bb * 4, cols, ct3_.K(), w.h2.data(), 64, G.g(GW3), 64);
  pgemm(pool_, false, false, B * bb * 4, 64, ct3_.K(), cols, ct3_.K(), G.p(GW3), 64, w.dh2.data(), 64);
  bnBackward(pool_, B * bb * 4, 64, w.dh2.data(), w.h2.data(), w.xhat2.data(), G.p(GGamma2), w.var2.data(), eps, 0.0f,
             w.dh2.data(), G.g(GGamma2), G.g(GBeta2), scratch_.data());
  im2col(pool_, ct2_, B, w.dh2.data(), cols);
  pgemm(pool_, true, false, ct2_.K(), 128, B * bb, cols, ct2_.K(), w.h1.data(), 128, G.g(GW2), 128);
  pgemm(pool_, false, false, B * bb, 128, ct2_.K(), cols, ct2_.K(), G.p(GW2), 128, w.dh1.data(), 128);
  bnBackward(pool_, B * bb, 128, w.dh1.data(), w.h1.data(), w.xhat1.data(), G.p(GGamma1), w.var1.data(), eps, 0.0f,
             w.dh1.data(), G.g(GGamma1), G.g(GBeta1), scratch_.data());
  im2col(pool_, ct1_, B, w.dh1.data(), cols);
  pgemm(pool_, true, false, ct1_.K(), 256, B * bb, cols, ct1_.K(), w.h0.data(), 256, G.g(GW1), 256);
  pgemm(pool_, false, false, B * bb, 256, ct1_.K(), cols, ct1_.K(), G.p(GW1), 256, w.dh0.data(), 256);
  bnBackward(pool_, B, F_, w.dh0.data(), w.h0.data(), w.xhat0.data(), G.p(GGamma0), w.var0.data(), eps, 0.0f,
             w.dh0.data(), G.g(GGamma0), G.g(GBeta0), scratch_.data());
  pgemm(pool_, true, false, zin_, F_, B, w.gin.data(), zin_, w.dh0.data(), F_, G.g(GWd), F_);
}

void Dcgan::fillD(int row0, const float* images, const int32_t* labels, int n) {
  const int C = spec_.channels, HW = spec_.height * spec_.width;
  const float* Wl = dK_ ? D.p(DWl) : nullptr;
  const float* bl = dK_ ? D.p(DBl) : nullptr;
  pool_.run(n, 1, [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; ++r) {
      float* dst = xin_.data() + (row0 + r) * c1_.bigSize();
      const float* src = images + r * static_cast<size_t>(HW) * C;
      if (!dK_) {
        std::memcpy(dst, src, sizeof(float) * HW * C);
        continue;
      }
      const float* map = Wl + static_cast<size_t>(labels[r]) * HW;
      for (int p = 0; p < HW; ++p) {
        for (int c = 0; c < C; ++c) dst[p * Cd_ + c] = src[p * C + c];
        dst[p * Cd_ + C] = map[p] + bl[p];
      }
    }
  });
}

void Dcgan::dForward(int R, int halves) {
  const int hw1 = c1_.smallPixels(), hw2 = c2_.smallPixels();
  const float slope = spec_.slope;
  im2col(pool_, c1_, R, xin_.data(), cols1_.data());
  pgemm(pool_, false, false, R * hw1, 64, c1_.K(), cols1_.data(), c1_.K(), D.p(dOff_ + DW1), 64, h1_.data(), 64);
  const float* b1 = D.p(dOff_ + DB1);
  float* h1 = h1_.data();
  pool_.run(static_cast<size_t>(R) * hw1, 256, [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; ++r)
      for (int c = 0; c < 64; ++c) {
        const float v = h1[r * 64 + c] + b1[c];
        h1[r * 64 + c] = v > 0 ? v : v * slope;
      }
  });
  im2col(pool_, c2_, R, h1_.data(), cols2_.data());
  pgemm(pool_, false, false, R * hw2, 128, c2_.K(), cols2_.data(), c2_.K(), D.p(dOff_ + DW2), 128, a2_.data(), 128);
  const float* b2 = D.p(dOff_ + DB2);
  float* a2 = a2_.data();
  pool_.run(static_cast<size_t>(R) * hw2, 256, [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; ++r)
      for (int c = 0; c < 128; ++c) a2[r * 128 + c] += b2[c];
  });
  const int per = R / halves;
  for (int h = 0; h < halves; ++h) {
    const size_t off = static_cast<size_t>(h) * per * Fd_;
    bnForwardTrain(pool_, per * hw2, 128, a2 + off, D.p(dOff_ + DGamma), D.p(dOff_ + DBeta), spec_.bnEps, slope,
                   xhat2_.data() + off, h2_.data() + off, mean2_.data() + h * 128, var2_.data() + h * 128,
                   scratch_.data());
  }
  gemm_nn(R, outW_, Fd_, h2_.data(), Fd_, D.p(dOff_ + DWd), outW_, logits_.data(), outW_);
  const float* bd = D.p(dOff_ + DBd);
  for (int r = 0; r < R; ++r)
    for (int j = 0; j < outW_; ++j) logits_.data()[r * outW_ + j] += bd[j];
}

void Dcgan::dBackward(int R, int halves, bool weightGrads, bool inputGrad, const int32_t* labels, int B) {
  const int hw1 = c1_.smallPixels(), hw2 = c2_.smallPixels();
  const float slope = spec_.slope;
  const float* dl = dlogit_.data();
  double* sums = scratch_.data() + 2 * kParts * static_cast<size_t>(std::max(F_, 128));
  if (weightGrads) {
    gemm_tn(Fd_, outW_, R, h2_.data(), Fd_, dl, outW_, D.g(dOff_ + DWd), outW_);
    for (int j = 0; j < outW_; ++j) {
      double s = 0;
      for (int r = 0; r < R; ++r) s += dl[r * outW_ + j];
      D.g(dOff_ + DBd)[j] = static_cast<float>(s);
    }
  }
  float* dh2 = dh2_.data();
  gemm_nt(R, Fd_, outW_, dl, outW_, D.p(dOff_ + DWd), outW_, dh2, Fd_);
  const int per = R / halves;
  for (int h = 0; h < halves; ++h) {
    const size_t off = static_cast<size_t>(h) * per * Fd_;
    bnBackward(pool_, per * hw2, 128, dh2 + off, h2_.data() + off, xhat2_.data() + off, D.p(dOff_ + DGamma),
               var2_.data() + h * 128, spec_.bnEps, slope, dh2 + off, D.g(dOff_ + DGamma), D.g(dOff_ + DBeta),
               scratch_.data());
  }
  if (weightGrads) {
    channelSums(pool_, R * hw2, 128, dh2, nullptr, sums, nullptr, scratch_.data());
    for (int c = 0; c < 128; ++c) D.g(dOff_ + DB2)[c] = static_cast<float>(sums[c]);
    pgemm(pool_, true, false, c2_.K(), 128, R * hw2, cols2_.data(), c2_.K(), dh2, 128, D.g(dOff_ + DW2), 128);
  }
  pgemm(pool_, false, true, R * hw2, c2_.K(), 128, dh2, 128, D.p(dOff_ + DW2), 128, cols2_.data(), c2_.K());
  col2im(pool_, c2_, R, cols2_.data(), dh1_.data());
  float* dh1 = dh1_.data();
  const float* h1 = h1_.data();
  pool_.run(static_cast<size_t>(R) * hw1 * 64, 4096, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) dh1[i] = h1[i] > 0 ? dh1[i] : dh1[i] * slope;
  });
  if (weightGrads) {
    channelSums(pool_, R * hw1, 64, dh1, nullptr, sums, nullptr, scratch_.data());
    for (int c = 0; c < 64; ++c) D.g(dOff_ + DB1)[c] = static_cast<float>(sums[c]);
    pgemm(pool_, true, false, c1_.K(), 64, R * hw1, cols1_.data(), c1_.K(), dh1, 64, D.g(dOff_ + DW1), 64);
  }
  if (!inputGrad) return;
  pgemm(pool_, false, true, R * hw1, c1_.K(), 64, dh1, 64, D.p(dOff_ + DW1), 64, cols1_.data(), c1_.K());
  col2im(pool_, c1_, R, cols1_.data(), dxin_.data());
  if (weightGrads && dK_) {
    // The label map's dense layer: one-hot rows pick Wl's row, so its gradient is a row sum.
    const int HW = spec_.height * spec_.width, C = spec_.channels;
    float* gW = D.g(DWl);
    float* gb = D.g(DBl);
    std::fill(gW, gW + static_cast<size_t>(K_) * HW, 0.0f);
    std::fill(gb, gb + HW, 0.0f);
    for (int r = 0; r < R; ++r) {
      const float* d = dxin_.data() + static_cast<size_t>(r) * c1_.bigSize();
      float* row = gW + static_cast<size_t>(labels[r % B]) * HW;
      for (int p = 0; p < HW; ++p) {
        row[p] += d[p * Cd_ + C];
        gb[p] += d[p * Cd_ + C];
      }
    }
  }
}

StepResult Dcgan::step(const float* real, const float* z, const int32_t* labels, int B) {
  pool_.setThreads(compute_threads());
  ensureG(train_, B, true);
  ensureD(2 * B);
  const float mom = spec_.bnMomentum;

  // fake = G(z). The tfjs trainer runs G twice per step (here and in the G step) with the same
  // weights and batch, so the running statistics take the same batch statistics twice.
  gForward(train_, z, labels, B, true);
  const float* batchStats[] = {train_.mean0.data(), train_.var0.data(), train_.mean1.data(),
                               train_.var1.data(), train_.mean2.data(), train_.var2.data()};
  for (int pass = 0; pass < 2; ++pass)
    for (int i = 0; i < 6; ++i) movingAverage(static_cast<int>(Gstats.count[i]), Gstats.p(i), batchStats[i], mom);

  // ---- D step: real rows 0..B-1, fake rows B..2B-1, each half with its own batch statistics ----
  fillD(0, real, labels, B);
  fillD(B, train_.out.data(), labels, B);
  dForward(2 * B, 2);
  const int classes = outW_ - 1;
  StepResult res = discriminatorLoss(logits_.data(), outW_, classes, labels, B, dlogit_.data());
  std::memset(D.grads.data(), 0, sizeof(float) * D.grads.size());
  dBackward(2 * B, 2, true, dK_ > 0, labels, B);
  movingAverage(128, Dstats.p(0), mean2_.data(), mom);
  movingAverage(128, Dstats.p(1), var2_.data(), mom);
  movingAverage(128, Dstats.p(0), mean2_.data() + 128, mom);
  movingAverage(128, Dstats.p(1), var2_.data() + 128, mom);
  ++t;
  adamAll(pool_, D, spec_.adam, t);

  // ---- G step: BCE(D′(G(z)), 1) through the updated D ----
  fillD(0, train_.out.data(), labels, B);
  dForward(B, 1);
  movingAverage(128, Dstats.p(0), mean2_.data(), mom);
  movingAverage(128, Dstats.p(1), var2_.data(), mom);
  res.gLoss = generatorLoss(logits_.data(), outW_, classes, labels, B, dlogit_.data());
  // D's batch-norm parameter gradients from this pass are not used (D is not updated here).
  dBackward(B, 1, false, true, labels, B);
  const int C = spec_.channels, HW = spec_.height * spec_.width;
  float* dOut = train_.dOut.data();
  pool_.run(B, 1, [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; ++r) {
      const float* src = dxin_.data() + r * c1_.bigSize();
      float* dst = dOut + r * static_cast<size_t>(HW) * C;
      for (int p = 0; p < HW; ++p)
        for (int c = 0; c < C; ++c) dst[p * C + c] = src[p * Cd_ + c];
    }
  });
  std::memset(G.grads.data(), 0, sizeof(float) * G.grads.size());
  gBackward(train_, B);
  adamAll(pool_, G, spec_.adam, t);
  return res;
}

void Dcgan::generate(const float* z, const int32_t* labels, int n, float* out) {
  pool_.setThreads(compute_threads());
  ensureG(gen_, n, false);
  gForward(gen_, z, labels, n, false);
  std::memcpy(out, gen_.out.data(), sizeof(float) * n * imgDim());
}

std::vector<double> Dcgan::gradNorms() const { return tensorNorms(G, G.grads.data()); }

std::vector<double> Dcgan::weightNorms() const { return tensorNorms(G, G.params.data()); }

}  // namespace genlab
