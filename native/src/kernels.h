// The DCGAN step's arithmetic as one function per output element (a functor called with the
// element's index), for kernel_ops.h: nvcc launches each as a CUDA kernel, one thread per
// element; g++ runs the same code in a loop on the host, which is how the tests check the GPU
// arithmetic without a GPU. Reductions (batch-norm statistics, bias gradients) sum a fixed
// partition of the rows in double, then the parts: the result does not depend on thread timing.
#pragma once

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "conv_geom.h"
#include "hd.h"

namespace genlab {
namespace kern {

GL_HD inline float act(float y, float slope) { return y > 0 ? y : y * slope; }

// G's input rows: z, then the one-hot label (K > 0).
struct GInput {
  float* gin;
  const float* z;
  const int32_t* labels;
  int zd, K;
  GL_HD void operator()(size_t i) const {
    const int zin = zd + K;
    const size_t r = i / zin;
    const int c = static_cast<int>(i % zin);
    gin[i] = c < zd ? z[r * zd + c] : (labels[r] == c - zd ? 1.0f : 0.0f);
  }
};

// C[M×N] = op(A)·op(B), row-major, one dot product (in double) per element. The fallback where
// no cuBLAS is found; on the host, the tests' reference for the GPU's own GEMM.
struct Gemm {
  const float* A;
  const float* B;
  float* C;
  int N, K;
  size_t aRow, aK, bK, bCol;  // strides: A(m, k) = A[m·aRow + k·aK], B(k, n) = B[k·bK + n·bCol]
  int ldc;
  GL_HD void operator()(size_t i) const {
    const size_t m = i / N, n = i % N;
    const float* a = A + m * aRow;
    const float* b = B + n * bCol;
    double acc = 0;
    for (int k = 0; k < K; ++k) acc += static_cast<double>(a[k * aK]) * b[k * bK];
    C[m * ldc + n] = static_cast<float>(acc);
  }
};

// cols[rows = B·OH·OW][25·C] from X[B][H][W][C] (zeros outside the map).
struct Im2col {
  ConvGeom g;
  const float* X;
  float* cols;
  GL_HD void operator()(size_t i) const {
    const int K = g.K();
    const size_t r = i / K;
    const int k = static_cast<int>(i % K);
    const int c = k % g.C, kk = k / g.C, kx = kk % kKernel, ky = kk / kKernel;
    const int pix = g.OH * g.OW;
    const size_t b = r / pix;
    const int p = static_cast<int>(r % pix), oy = p / g.OW, ox = p % g.OW;
    const int iy = oy * g.s - g.padT + ky, ix = ox * g.s - g.padL + kx;
    cols[i] = (iy < 0 || iy >= g.H || ix < 0 || ix >= g.W)
                  ? 0.0f
                  : X[b * g.bigSize() + (static_cast<size_t>(iy) * g.W + ix) * g.C + c];
  }
};

// X[B][H][W][C] = the sum of the cols entries that im2col would read from each element:
// gathered per element (no atomics, the same sum whatever the launch).
struct Col2im {
  ConvGeom g;
  const float* cols;
  float* X;
  GL_HD void operator()(size_t i) const {
    const int c = static_cast<int>(i % g.C);
    size_t t = i / g.C;
    const int ix = static_cast<int>(t % g.W);
    t /= g.W;
    const int iy = static_cast<int>(t % g.H);
    const size_t b = t / g.H;
    const int K = g.K();
    float acc = 0;
    for (int ky = 0; ky < kKernel; ++ky) {
      const int ny = iy + g.padT - ky;
      if (ny < 0 || ny % g.s) continue;
      const int oy = ny / g.s;
      if (oy >= g.OH) continue;
      for (int kx = 0; kx < kKernel; ++kx) {
        const int nx = ix + g.padL - kx;
        if (nx < 0 || nx % g.s) continue;
        const int ox = nx / g.s;
        if (ox >= g.OW) continue;
        acc += cols[((b * g.OH + oy) * g.OW + ox) * K + (ky * kKernel + kx) * g.C + c];
      }
    }
    X[i] = acc;
  }
};

// Per-channel partial sums over part p of N rows of X[N][C]: of X (or of (X − mean)² when mean
// is given) into out[p·C + c], and of X·Y into out[(P + p)·C + c] when Y is given.
struct PartSums {
  int N, C, P;
  const float* X;
  const float* Y;
  const float* mean;
  double* out;
  GL_HD void operator()(size_t i) const {
    const int p = static_cast<int>(i / C), c = static_cast<int>(i % C);
    const long r0 = static_cast<long>(N) * p / P, r1 = static_cast<long>(N) * (p + 1) / P;
    double s = 0, sy = 0;
    for (long r = r0; r < r1; ++r) {
      const double x = X[r * C + c];
      if (mean) {
        const double d = x - mean[c];
        s += d * d;
      } else {
        s += x;
      }
      if (Y) sy += x * Y[r * C + c];
    }
    out[static_cast<size_t>(p) * C + c] = s;
    if (Y) out[static_cast<size_t>(P + p) * C + c] = sy;
  }
};

GL_HD inline double sumParts(const double* parts, int P, int C, int c) {
  double s = 0;
  for (int p = 0; p < P; ++p) s += parts[static_cast<size_t>(p) * C + c];
  return s;
}

// Channel sums as floats (bias gradients).
struct SumsOut {
  int C, P;
  const double* parts;
  float* out;
  GL_HD void operator()(size_t c) const { out[c] = static_cast<float>(sumParts(parts, P, C, static_cast<int>(c))); }
};

struct BnMean {
  int N, C, P;
  const double* parts;
  float* mean;
  GL_HD void operator()(size_t c) const { mean[c] = static_cast<float>(sumParts(parts, P, C, static_cast<int>(c)) / N); }
};

// Biased variance (as tf.moments) and 1/√(var + ε).
struct BnVar {
  int N, C, P;
  const double* parts;
  float eps;
  float* var;
  float* rstd;
  GL_HD void operator()(size_t c) const {
    var[c] = static_cast<float>(sumParts(parts, P, C, static_cast<int>(c)) / N);
    rstd[c] = static_cast<float>(1.0 / sqrt(static_cast<double>(var[c]) + eps));
  }
};

// xhat = (x − mean)·rstd; h = act(gamma·xhat + beta).
struct BnApply {
  int C;
  const float* X;
  const float* gamma;
  const float* beta;
  const float* mean;
  const float* rstd;
  float slope;
  float* xhat;
  float* h;
  GL_HD void operator()(size_t i) const {
    const int c = static_cast<int>(i % C);
    const float v = (X[i] - mean[c]) * rstd[c];
    xhat[i] = v;
    h[i] = act(gamma[c] * v + beta[c], slope);
  }
};

// Inference: running statistics.
struct BnInfer {
  int C;
  const float* X;
  const float* gamma;
  const float* beta;
  const float* mean;
  const float* var;
  float eps, slope;
  float* h;
  GL_HD void operator()(size_t i) const {
    const int c = static_cast<int>(i % C);
    h[i] = act((X[i] - mean[c]) * (1.0f / sqrtf(var[c] + eps)) * gamma[c] + beta[c], slope);
  }
};

// Through the activation: dx = dh where h > 0, else dh·slope (dx may be dh).
struct ActGrad {
  const float* dh;
  const float* h;
  float slope;
  float* dx;
  GL_HD void operator()(size_t i) const { dx[i] = h[i] > 0 ? dh[i] : dh[i] * slope; }
};

// Batch norm's backward coefficients per channel from Σdx and Σdx·xhat; dgamma, dbeta += .
struct BnBackCoef {
  int N, C, P;
  const double* parts;
  const float* gamma;
  const float* var;
  float eps;
  float* dgamma;
  float* dbeta;
  float* coef;  // [k, mean dy, mean dy·xhat] × C
  GL_HD void operator()(size_t i) const {
    const int c = static_cast<int>(i);
    const double s = sumParts(parts, P, C, c), sx = sumParts(parts + static_cast<size_t>(P) * C, P, C, c);
    dbeta[c] += static_cast<float>(s);
    dgamma[c] += static_cast<float>(sx);
    coef[c] = static_cast<float>(gamma[c] / sqrt(static_cast<double>(var[c]) + eps));
    coef[C + c] = static_cast<float>(s / N);
    coef[2 * C + c] = static_cast<float>(sx / N);
  }
};

struct BnBackApply {
  int C;
  const float* xhat;
  const float* coef;
  float* dx;
  GL_HD void operator()(size_t i) const {
    const int c = static_cast<int>(i % C);
    dx[i] = coef[c] * (dx[i] - coef[C + c] - xhat[i] * coef[2 * C + c]);
  }
};

// Sum of each of W columns over R rows, in row order (D's output bias gradient).
struct ColumnSums {
  int R, W;
  const float* X;
  float* out;
  GL_HD void operator()(size_t j) const {
    double s = 0;
    for (int r = 0; r < R; ++r) s += X[static_cast<size_t>(r) * W + j];
    out[j] = static_cast<float>(s);
  }
};

struct BiasTanh {
  int C;
  const float* b;
  float* out;
  GL_HD void operator()(size_t i) const { out[i] = tanhf(out[i] + b[i % C]); }
};

struct TanhGrad {
  const float* out;
  float* d;
  GL_HD void operator()(size_t i) const { d[i] *= 1.0f - out[i] * out[i]; }
};

struct BiasAct {
  int C;
  const float* b;
  float slope;
  bool activate;
  float* x;
  GL_HD void operator()(size_t i) const {
    const float v = x[i] + b[i % C];
    x[i] = activate ? act(v, slope) : v;
  }
};

// D's input rows: the image's C channels, then (label map) Wl[label] + bl as channel C.
struct FillD {
  float* xin;
  const float* images;
  const int32_t* labels;
  int HW, C, Cd;
  const float* Wl;
  const float* bl;
  GL_HD void operator()(size_t i) const {
    const int c = static_cast<int>(i % Cd);
    const size_t t = i / Cd;
    const size_t p = t % HW, r = t / HW;
    xin[i] = c < C ? images[(r * HW + p) * C + c] : Wl[static_cast<size_t>(labels[r]) * HW + p] + bl[p];
  }
};

// The label map's dense gradient: row k of gW sums the map channel's gradient over the rows
// labelled k (rows r and r + B share a label); gb sums it over all rows. Index k·HW + p, k ≤ K.
struct LabelMapGrad {
  float* gW;
  float* gb;
  const float* dxin;
  const int32_t* labels;
  int R, B, K, HW, Cd, C;
  GL_HD void operator()(size_t i) const {
    const int k = static_cast<int>(i / HW);
    const size_t p = i % HW;
    float acc = 0;
    for (int r = 0; r < R; ++r)
      if (k == K || labels[r % B] == k) acc += dxin[static_cast<size_t>(r) * HW * Cd + p * Cd + C];
    (k == K ? gb[p] : gW[static_cast<size_t>(k) * HW + p]) = acc;
  }
};

// tf.layers' moving average: r ← r − (r − v)·(1 − momentum).
struct MovingAverage {
  float* r;
  const float* v;
  float decay;
  GL_HD void operator()(size_t i) const { r[i] = r[i] - (r[i] - v[i]) * decay; }
};

// Adam as adam.cc (PyTorch semantics; the scalars computed in double on the host).
struct Adam {
  float* p;
  const float* g;
  float* m;
  float* v;
  float b1, b2, a1, a2, stepSize, invBc2Sqrt, eps;
  GL_HD void operator()(size_t i) const {
    const float gi = g[i];
    const float mi = m[i] * b1 + gi * a1;
    const float vi = v[i] * b2 + gi * gi * a2;
    m[i] = mi;
    v[i] = vi;
    p[i] -= stepSize * mi / (sqrtf(vi) * invBc2Sqrt + eps);
  }
};

// The image channels of D's input gradient (dropping the label map's), as G's output gradient.
struct StripChannels {
  float* dst;
  const float* src;
  int C, Cd;
  GL_HD void operator()(size_t i) const { dst[i] = src[(i / C) * Cd + i % C]; }
};

}  // namespace kern
}  // namespace genlab
