// The DCGAN step's CPU backend: im2col / col2im and OpenBLAS GEMMs split across GenLab's pool,
// batch norm with channel sums over a fixed partition of rows (conv.h), no per-step allocation.
// "Device" pointers are the host buffers themselves, so the host↔device copies are no-ops.
#pragma once

#include <algorithm>
#include <cstring>
#include <vector>

#include "adam.h"
#include "buffer.h"
#include "conv.h"
#include "gemm.h"
#include "parallel.h"
#include "tensor_set.h"
#include "vecmath.h"

namespace genlab {

class CpuOps {
 public:
  using Buf = FloatBuf;
  struct IntBuf {};  // labels are read where they are
  struct Mirror {
    float *p = nullptr, *g = nullptr, *m = nullptr, *v = nullptr;
  };

  void begin() { pool_.setThreads(compute_threads()); }
  void finish() {}
  void reserveChannels(int C) {
    maxC_ = C;
    scratch_.resize((2 * kParts + 2) * static_cast<size_t>(C));
  }
  void ensure(FloatBuf& b, size_t n) {
    if (b.size() < n) b.resize(n);
  }
  void mirror(TensorSet& s, Mirror& d) {
    d.p = s.params.data(), d.g = s.grads.data(), d.m = s.m.data(), d.v = s.v.data();
  }
  void push(TensorSet&, Mirror&) {}
  void pull(TensorSet&, Mirror&) {}

  const float* stage(FloatBuf&, const float* host, size_t) { return host; }
  const int32_t* stageLabels(IntBuf&, const int32_t* host, size_t) { return host; }
  const float* toHost(std::vector<float>&, const float* dev, size_t) { return dev; }
  float* hostView(std::vector<float>&, float* dev, size_t) { return dev; }
  void fromHost(float*, const std::vector<float>&, size_t) {}
  void download(float* out, const float* dev, size_t n) { std::memcpy(out, dev, sizeof(float) * n); }
  void zero(float* p, size_t n) { std::memset(p, 0, sizeof(float) * n); }

  void gInput(float* gin, const float* z, const int32_t* labels, int n, int zd, int K) {
    const int zin = zd + K;
    for (int r = 0; r < n; ++r) {
      float* row = gin + static_cast<size_t>(r) * zin;
      std::memcpy(row, z + static_cast<size_t>(r) * zd, sizeof(float) * zd);
      if (K) {
        std::fill(row + zd, row + zin, 0.0f);
        row[zd + labels[r]] = 1.0f;
      }
    }
  }
  void gemm(bool ta, bool tb, int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc) {
    pgemm(pool_, ta, tb, M, N, K, A, lda, B, ldb, C, ldc);
  }
  // D's last dense layer (one or a few outputs): one single-threaded call.
  void gemmSmall(bool ta, bool tb, int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc) {
    if (ta) gemm_tn(M, N, K, A, lda, B, ldb, C, ldc);
    else if (tb) gemm_nt(M, N, K, A, lda, B, ldb, C, ldc);
    else gemm_nn(M, N, K, A, lda, B, ldb, C, ldc);
  }
  void im2col(const ConvGeom& g, int B, const float* X, float* cols) { genlab::im2col(pool_, g, B, X, cols); }
  void col2im(const ConvGeom& g, int B, const float* cols, float* X) { genlab::col2im(pool_, g, B, cols, X); }
  void bnTrain(int N, int C, const float* X, const float* gamma, const float* beta, float eps, float slope, float* xhat,
               float* h, float* mean, float* var) {
    bnForwardTrain(pool_, N, C, X, gamma, beta, eps, slope, xhat, h, mean, var, scratch_.data());
  }
  void bnInfer(int N, int C, const float* X, const float* gamma, const float* beta, const float* mean, const float* var,
               float eps, float slope, float* h) {
    bnForwardInfer(pool_, N, C, X, gamma, beta, mean, var, eps, slope, h);
  }
  void bnBackward(int N, int C, const float* dh, const float* h, const float* xhat, const float* gamma, const float* var,
                  float eps, float slope, float* dx, float* dgamma, float* dbeta) {
    genlab::bnBackward(pool_, N, C, dh, h, xhat, gamma, var, eps, slope, dx, dgamma, dbeta, scratch_.data());
  }
  void channelSums(int N, int C, const float* X, float* out) {
    double* s = scratch_.data() + 2 * kParts * static_cast<size_t>(maxC_);
    genlab::channelSums(pool_, N, C, X, nullptr, s, nullptr, scratch_.data());
    for (int c = 0; c < C; ++c) out[c] = static_cast<float>(s[c]);
  }
  void columnSums(int R, int W, const float* X, float* out) {
    for (int j = 0; j < W; ++j) {
      double s = 0;
      for (int r = 0; r < R; ++r) s += X[static_cast<size_t>(r) * W + j];
      out[j] = static_cast<float>(s);
    }
  }
  void biasTanh(float* out, const float* b, size_t pixels, int C) {
    pool_.run(pixels, 1024, [&](size_t p0, size_t p1) {
      for (size_t p = p0; p < p1; ++p)
        for (int c = 0; c < C; ++c) out[p * C + c] = vtanh(out[p * C + c] + b[c]);
    });
  }
  void tanhGrad(float* d, const float* out, size_t n) {
    pool_.run(n, 4096, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) d[i] *= 1.0f - out[i] * out[i];
    });
  }
  void biasLeaky(float* x, const float* b, size_t rows, int C, float slope) {
    pool_.run(rows, 256, [&](size_t r0, size_t r1) {
      for (size_t r = r0; r < r1; ++r)
        for (int c = 0; c < C; ++c) {
          const float v = x[r * C + c] + b[c];
          x[r * C + c] = v > 0 ? v : v * slope;
        }
    });
  }
  void biasAdd(float* x, const float* b, size_t rows, int C) {
    pool_.run(rows, 256, [&](size_t r0, size_t r1) {
      for (size_t r = r0; r < r1; ++r)
        for (int c = 0; c < C; ++c) x[r * C + c] += b[c];
    });
  }
  void leakyGrad(float* d, const float* h, size_t n, float slope) {
    pool_.run(n, 4096, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) d[i] = h[i] > 0 ? d[i] : d[i] * slope;
    });
  }
  void fillD(float* xin, const float* images, const int32_t* labels, int n, int HW, int C, int Cd, const float* Wl,
             const float* bl) {
    pool_.run(n, 1, [&](size_t r0, size_t r1) {
      for (size_t r = r0; r < r1; ++r) {
        float* dst = xin + r * HW * Cd;
        const float* src = images + r * static_cast<size_t>(HW) * C;
        if (Cd == C) {
          std::memcpy(dst, src, sizeof(float) * HW * C);
          continue;
        }
        const float* map = Wl + static_cast<size_t>(labels[r]) * HW;
        for (int p = 0; p < HW; ++p) {
          for (int c = 0; c < C; ++c) dst[p * Cd + c] = src[p * C + c];
          dst[p * Cd + C] = map[p] + bl[p];
        }
      }
    });
  }
  void labelMapGrad(float* gW, float* gb, const float* dxin, const int32_t* labels, int R, int B, int K, int HW, int Cd,
                    int C) {
    std::fill(gW, gW + static_cast<size_t>(K) * HW, 0.0f);
    std::fill(gb, gb + HW, 0.0f);
    for (int r = 0; r < R; ++r) {
      const float* d = dxin + static_cast<size_t>(r) * HW * Cd;
      float* row = gW + static_cast<size_t>(labels[r % B]) * HW;
      for (int p = 0; p < HW; ++p) {
        row[p] += d[p * Cd + C];
        gb[p] += d[p * Cd + C];
      }
    }
  }
  void movingAverage(int C, float* r, const float* v, float momentum) { genlab::movingAverage(C, r, v, momentum); }
  void adam(float* p, const float* g, float* m, float* v, size_t n, const AdamConfig& c, long t) {
    pool_.run(n, 32768, [&](size_t b, size_t e) { adam_update(p + b, g + b, m + b, v + b, e - b, c, t); });
  }
  void stripChannels(float* dst, const float* src, int B, int HW, int C, int Cd) {
    pool_.run(B, 1, [&](size_t r0, size_t r1) {
      for (size_t r = r0; r < r1; ++r) {
        const float* s = src + r * static_cast<size_t>(HW) * Cd;
        float* d = dst + r * static_cast<size_t>(HW) * C;
        for (int p = 0; p < HW; ++p)
          for (int c = 0; c < C; ++c) d[p * C + c] = s[p * Cd + c];
      }
    });
  }

 private:
  ParallelFor pool_;
  std::vector<double> scratch_;
  int maxC_ = 0;
};

}  // namespace genlab
