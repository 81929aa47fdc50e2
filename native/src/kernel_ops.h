// The DCGAN step's backend made of kernels.h's per-element functions, over a launcher L:
// CudaLaunch (cuda/dcgan_cuda.cu: device memory, one CUDA thread per element, cuBLAS GEMMs where
// the library is found) or HostLaunch (host_launch.h: the same functions in loops on the CPU).
// L provides: static allocate(bytes) (zeroed) / release(p) / upload / download / zero, run(n, f),
// gemm(...), begin(), sync() and kParts (how many row parts a reduction sums separately).
#pragma once

#include <cstring>
#include <utility>
#include <vector>

#include "adam.h"
#include "conv_geom.h"
#include "kernels.h"
#include "tensor_set.h"

namespace genlab {

template <class L>
class KernelOps {
 public:
  template <class T>
  class DevBuf {
   public:
    DevBuf() = default;
    DevBuf(const DevBuf&) = delete;
    DevBuf& operator=(const DevBuf&) = delete;
    ~DevBuf() { L::release(p_); }
    void resize(size_t n) {  // discards the contents; the new buffer is all zeros
      L::release(p_);
      p_ = nullptr;
      n_ = n;
      if (n) p_ = static_cast<T*>(L::allocate(n * sizeof(T)));
    }
    T* data() { return p_; }
    const T* data() const { return p_; }
    size_t size() const { return n_; }

   private:
    T* p_ = nullptr;
    size_t n_ = 0;
  };
  using Buf = DevBuf<float>;
  using IntBuf = DevBuf<int32_t>;

  // A TensorSet's device copy.
  struct Mirror {
    float *p = nullptr, *g = nullptr, *m = nullptr, *v = nullptr;
    Buf bp, bg, bm, bv;
  };

  template <class... A>
  explicit KernelOps(A&&... a) : L_(std::forward<A>(a)...) {}

  L& launcher() { return L_; }

  void begin() { L_.begin(); }
  void finish() { L_.sync(); }

  void reserveChannels(int C) {
    parts_.resize(2 * static_cast<size_t>(L::kParts) * C);
    coef_.resize(4 * static_cast<size_t>(C));
  }
  template <class B>
  void ensure(B& b, size_t n) {
    if (b.size() < n) b.resize(n);
  }

  void mirror(TensorSet& s, Mirror& d) {
    d.bp.resize(s.params.size());
    d.p = d.bp.data();
    if (s.trainable()) {
      d.bg.resize(s.grads.size()), d.bm.resize(s.m.size()), d.bv.resize(s.v.size());
      d.g = d.bg.data(), d.m = d.bm.data(), d.v = d.bv.data();
    }
    push(s, d);
  }
  void push(TensorSet& s, Mirror& d) {
    L::upload(d.p, s.params.data(), bytes(s.params.size()));
    if (!s.trainable()) return;
    L::upload(d.m, s.m.data(), bytes(s.m.size()));
    L::upload(d.v, s.v.data(), bytes(s.v.size()));
  }
  void pull(TensorSet& s, Mirror& d) {
    L::download(s.params.data(), d.p, bytes(s.params.size()));
    if (!s.trainable()) return;
    L::download(s.grads.data(), d.g, bytes(s.grads.size()));
    L::download(s.m.data(), d.m, bytes(s.m.size()));
    L::download(s.v.data(), d.v, bytes(s.v.size()));
  }

  // ---- host ↔ device ----
  const float* stage(Buf& b, const float* host, size_t n) {
    ensure(b, n);
    L::upload(b.data(), host, bytes(n));
    return b.data();
  }
  const int32_t* stageLabels(IntBuf& b, const int32_t* host, size_t n) {
    ensure(b, n);
    L::upload(b.data(), host, n * sizeof(int32_t));
    return b.data();
  }
  const float* toHost(std::vector<float>& host, const float* dev, size_t n) {
    if (host.size() < n) host.resize(n);
    L::download(host.data(), dev, bytes(n));
    return host.data();
  }
  float* hostView(std::vector<float>& host, float*, size_t n) {
    if (host.size() < n) host.resize(n);
    return host.data();
  }
  void fromHost(float* dev, const std::vector<float>& host, size_t n) { L::upload(dev, host.data(), bytes(n)); }
  void download(float* out, const float* dev, size_t n) { L::download(out, dev, bytes(n)); }
  void zero(float* p, size_t n) { L::zero(p, bytes(n)); }

  // ---- layers ----
  void gInput(float* gin, const float* z, const int32_t* labels, int n, int zd, int K) {
    L_.run(static_cast<size_t>(n) * (zd + K), kern::GInput{gin, z, labels, zd, K});
  }
  void gemm(bool ta, bool tb, int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc) {
    L_.gemm(ta, tb, M, N, K, A, lda, B, ldb, C, ldc);
  }
  void gemmSmall(bool ta, bool tb, int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc) {
    L_.gemm(ta, tb, M, N, K, A, lda, B, ldb, C, ldc);
  }
  void im2col(const ConvGeom& g, int B, const float* X, float* cols) {
    L_.run(static_cast<size_t>(B) * g.OH * g.OW * g.K(), kern::Im2col{g, X, cols});
  }
  void col2im(const ConvGeom& g, int B, const float* cols, float* X) {
    L_.run(static_cast<size_t>(B) * g.bigSize(), kern::Col2im{g, cols, X});
  }
  void bnTrain(int N, int C, const float* X, const float* gamma, const float* beta, float eps, float slope, float* xhat,
               float* h, float* mean, float* var) {
    const int P = parts(N);
    double* parts = parts_.data();
    float* rstd = coef_.data();
    L_.run(static_cast<size_t>(P) * C, kern::PartSums{N, C, P, X, nullptr, nullptr, parts});
    L_.run(C, kern::BnMean{N, C, P, parts, mean});
    L_.run(static_cast<size_t>(P) * C, kern::PartSums{N, C, P, X, nullptr, mean, parts});
    L_.run(C, kern::BnVar{N, C, P, parts, eps, var, rstd});
    L_.run(static_cast<size_t>(N) * C, kern::BnApply{C, X, gamma, beta, mean, rstd, slope, xhat, h});
  }
  void bnInfer(int N, int C, const float* X, const float* gamma, const float* beta, const float* mean, const float* var,
               float eps, float slope, float* h) {
    L_.run(static_cast<size_t>(N) * C, kern::BnInfer{C, X, gamma, beta, mean, var, eps, slope, h});
  }
  void bnBackward(int N, int C, const float* dh, const float* h, const float* xhat, const float* gamma, const float* var,
                  float eps, float slope, float* dx, float* dgamma, float* dbeta) {
    const int P = parts(N);
    L_.run(static_cast<size_t>(N) * C, kern::ActGrad{dh, h, slope, dx});
    L_.run(static_cast<size_t>(P) * C, kern::PartSums{N, C, P, dx, xhat, nullptr, parts_.data()});
    L_.run(C, kern::BnBackCoef{N, C, P, parts_.data(), gamma, var, eps, dgamma, dbeta, coef_.data()});
    L_.run(static_cast<size_t>(N) * C, kern::BnBackApply{C, xhat, coef_.data(), dx});
  }
  void channelSums(int N, int C, const float* X, float* out) {
    const int P = parts(N);
    L_.run(static_cast<size_t>(P) * C, kern::PartSums{N, C, P, X, nullptr, nullptr, parts_.data()});
    L_.run(C, kern::SumsOut{C, P, parts_.data(), out});
  }
  void columnSums(int R, int W, const float* X, float* out) { L_.run(W, kern::ColumnSums{R, W, X, out}); }
  void biasTanh(float* out, const float* b, size_t pixels, int C) { L_.run(pixels * C, kern::BiasTanh{C, b, out}); }
  void tanhGrad(float* d, const float* out, size_t n) { L_.run(n, kern::TanhGrad{out, d}); }
  void biasLeaky(float* x, const float* b, size_t rows, int C, float slope) {
    L_.run(rows * C, kern::BiasAct{C, b, slope, true, x});
  }
  void biasAdd(float* x, const float* b, size_t rows, int C) { L_.run(rows * C, kern::BiasAct{C, b, 0.0f, false, x}); }
  void leakyGrad(float* d, const float* h, size_t n, float slope) { L_.run(n, kern::ActGrad{d, h, slope, d}); }
  void fillD(float* xin, const float* images, const int32_t* labels, int n, int HW, int C, int Cd, const float* Wl,
             const float* bl) {
    L_.run(static_cast<size_t>(n) * HW * Cd, kern::FillD{xin, images, labels, HW, C, Cd, Wl, bl});
  }
  void labelMapGrad(float* gW, float* gb, const float* dxin, const int32_t* labels, int R, int B, int K, int HW, int Cd,
                    int C) {
    L_.run(static_cast<size_t>(K + 1) * HW, kern::LabelMapGrad{gW, gb, dxin, labels, R, B, K, HW, Cd, C});
  }
  void movingAverage(int C, float* r, const float* v, float momentum) {
    L_.run(C, kern::MovingAverage{r, v, static_cast<float>(1.0 - static_cast<double>(momentum))});
  }
  void adam(float* p, const float* g, float* m, float* v, size_t n, const AdamConfig& c, long t) {
    const AdamScalars s = adam_scalars(c, t);
    L_.run(n, kern::Adam{p, g, m, v, s.b1, s.b2, s.a1, s.a2, s.stepSize, s.invBc2Sqrt, s.eps});
  }
  void stripChannels(float* dst, const float* src, int B, int HW, int C, int Cd) {
    L_.run(static_cast<size_t>(B) * HW * C, kern::StripChannels{dst, src, C, Cd});
  }

 private:
  static size_t bytes(size_t floats) { return floats * sizeof(float); }
  static int parts(int N) { return N < L::kParts ? (N > 0 ? N : 1) : L::kParts; }

  L L_;
  DevBuf<double> parts_;
  Buf coef_;
};

// The launcher-independent part of a GEMM call: kernels.h's Gemm with the strides of op(A), op(B).
inline kern::Gemm gemmElement(bool ta, bool tb, int N, int K, const float* A, int lda, const float* B, int ldb, float* C,
                              int ldc) {
  return kern::Gemm{A,
                    B,
                    C,
                    N,
                    K,
                    ta ? size_t{1} : static_cast<size_t>(lda),
                    ta ? static_cast<size_t>(lda) : size_t{1},
                    tb ? size_t{1} : static_cast<size_t>(ldb),
                    tb ? static_cast<size_t>(ldb) : size_t{1},
                    ldc};
}

}  // namespace genlab
