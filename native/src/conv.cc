#include "conv.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "gemm.h"

namespace genlab {

void im2col(ParallelFor& pool, const ConvGeom& g, int B, const float* X, float* cols) {
  const size_t rows = static_cast<size_t>(B) * g.OH * g.OW;
  const int K = g.K(), C = g.C;
  pool.run(rows, std::max<size_t>(1, g.OW), [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; ++r) {
      const int b = static_cast<int>(r / (g.OH * g.OW));
      const int p = static_cast<int>(r % (g.OH * g.OW));
      const int oy = p / g.OW, ox = p % g.OW;
      const float* img = X + static_cast<size_t>(b) * g.bigSize();
      float* dst = cols + r * K;
      for (int ky = 0; ky < kKernel; ++ky) {
        const int iy = oy * g.s - g.padT + ky;
        for (int kx = 0; kx < kKernel; ++kx, dst += C) {
          const int ix = ox * g.s - g.padL + kx;
          if (iy < 0 || iy >= g.H || ix < 0 || ix >= g.W) {
            std::memset(dst, 0, sizeof(float) * C);
          } else {
            std::memcpy(dst, img + (static_cast<size_t>(iy) * g.W + ix) * C, sizeof(float) * C);
          }
        }
      }
    }
  });
}

void col2im(ParallelFor& pool, const ConvGeom& g, int B, const float* cols, float* X) {
  const int K = g.K(), C = g.C;
  pool.run(B, 1, [&](size_t b0, size_t b1) {
    for (size_t b = b0; b < b1; ++b) {
      float* img = X + b * g.bigSize();
      std::memset(img, 0, sizeof(float) * g.bigSize());
      const float* src = cols + b * g.OH * g.OW * static_cast<size_t>(K);
      for (int oy = 0; oy < g.OH; ++oy) {
        for (int ox = 0; ox < g.OW; ++ox, src += K) {
          for (int ky = 0; ky < kKernel; ++ky) {
            const int iy = oy * g.s - g.padT + ky;
            if (iy < 0 || iy >= g.H) continue;
            for (int kx = 0; kx < kKernel; ++kx) {
              const int ix = ox * g.s - g.padL + kx;
              if (ix < 0 || ix >= g.W) continue;
              float* __restrict d = img + (static_cast<size_t>(iy) * g.W + ix) * C;
              const float* __restrict s = src + (ky * kKernel + kx) * C;
              for (int c = 0; c < C; ++c) d[c] += s[c];
            }
          }
        }
      }
    }
  });
}

void pgemm(ParallelFor& pool, bool ta, bool tb, int M, int N, int K, const float* A, int lda, const float* B, int ldb,
           float* C, int ldc, float beta) {
  auto call = [&](int m0, int m1, int n0, int n1) {
    const float* a = ta ? A + m0 : A + static_cast<size_t>(m0) * lda;
    const float* b = tb ? B + static_cast<size_t>(n0) * ldb : B + n0;
    float* c = C + static_cast<size_t>(m0) * ldc + n0;
    if (!ta && !tb) gemm_nn(m1 - m0, n1 - n0, K, a, lda, b, ldb, c, ldc, beta);
    else if (ta && !tb) gemm_tn(m1 - m0, n1 - n0, K, a, lda, b, ldb, c, ldc, beta);
    else if (!ta && tb) gemm_nt(m1 - m0, n1 - n0, K, a, lda, b, ldb, c, ldc, beta);
  };
  const int T = pool.threads();
  const bool splitM = M >= N;
  const int dim = splitM ? M : N;
  if (T == 1 || dim < 32) {
    call(0, M, 0, N);
    return;
  }
  // One block per thread, a multiple of 16 wide (whole SIMD/kernel panels).
  const size_t chunk = ((static_cast<size_t>(dim) + T - 1) / T + 15) / 16 * 16;
  pool.run(dim, chunk, [&](size_t b, size_t e) {
    if (splitM) call(static_cast<int>(b), static_cast<int>(e), 0, N);
    else call(0, M, static_cast<int>(b), static_cast<int>(e));
  });
}

namespace {

// Sums f(row, c) (and g(row, c)) per channel over a fixed partition of the rows.
template <class F, class G>
void partSums(ParallelFor& pool, int N, int C, double* scratch, double* outF, double* outG, F f, G g) {
  const int parts = std::min(kParts, std::max(N, 1));
  pool.run(parts, 1, [&](size_t p0, size_t p1) {
    for (size_t p = p0; p < p1; ++p) {
      double* __restrict sf = scratch + p * C;
      double* __restrict sg = scratch + (kParts + p) * C;
      std::fill(sf, sf + C, 0.0);
      if (outG) std::fill(sg, sg + C, 0.0);
      const int r0 = static_cast<int>(static_cast<long>(N) * p / parts);
      const int r1 = static_cast<int>(static_cast<long>(N) * (p + 1) / parts);
      for (int r = r0; r < r1; ++r) {
        for (int c = 0; c < C; ++c) sf[c] += f(r, c);
        if (outG)
          for (int c = 0; c < C; ++c) sg[c] += g(r, c);
      }
    }
  });
  for (int c = 0; c < C; ++c) {
    double a = 0, b = 0;
    for (int p = 0; p < parts; ++p) {
      a += scratch[static_cast<size_t>(p) * C + c];
      if (outG) b += scratch[static_cast<size_t>(kParts + p) * C + c];
    }
    outF[c] = a;
    if (outG) outG[c] = b;
  }
}

inline float act(float y, float slope) { return y > 0 ? y : y * slope; }

}  // namespace

void channelSums(ParallelFor& pool, int N, int C, const float* X, const float* Y, double* sumX, double* sumXY,
                 double* scratch) {
  const size_t ld = C;
  partSums(
      pool, N, C, scratch, sumX, Y ? sumXY : nullptr, [&](int r, int c) { return static_cast<double>(X[r * ld + c]); },
      [&](int r, int c) { return static_cast<double>(X[r * ld + c]) * Y[r * ld + c]; });
}

void bnForwardTrain(ParallelFor& pool, int N, int C, const float* X, const float* gamma, const float* beta, float eps,
                    float slope, float* xhat, float* h, float* mean, float* var, double* scratch) {
  const size_t ld = C;
  // scratch: 2·kParts·C partial sums, then the per-channel results after them.
  double* sums = scratch + 2 * kParts * static_cast<size_t>(C);
  auto none = [](int, int) { return 0.0; };
  partSums(pool, N, C, scratch, sums, nullptr, [&](int r, int c) { return static_cast<double>(X[r * ld + c]); }, none);
  for (int c = 0; c < C; ++c) mean[c] = static_cast<float>(sums[c] / N);
  partSums(
      pool, N, C, scratch, sums, nullptr,
      [&](int r, int c) {
        const double d = static_cast<double>(X[r * ld + c]) - mean[c];
        return d * d;
      },
      none);
  float* rstd = reinterpret_cast<float*>(scratch);
  for (int c = 0; c < C; ++c) {
    var[c] = static_cast<float>(sums[c] / N);
    rstd[c] = static_cast<float>(1.0 / std::sqrt(static_cast<double>(var[c]) + eps));
  }
  pool.run(N, std::max(1, 4096 / std::max(C, 1)), [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; ++r) {
      const float* __restrict x = X + r * ld;
      float* __restrict xh = xhat + r * ld;
      float* __restrict o = h + r * ld;
      for (int c = 0; c < C; ++c) {
        const float v = (x[c] - mean[c]) * rstd[c];
        xh[c] = v;
        o[c] = act(gamma[c] * v + beta[c], slope);
      }
    }
  });
}

void bnForwardInfer(ParallelFor& pool, int N, int C, const float* X, const float* gamma, const float* beta,
                    const float* mean, const float* var, float eps, float slope, float* h) {
  const size_t ld = C;
  pool.run(N, std::max(1, 4096 / std::max(C, 1)), [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; ++r) {
      const float* __restrict x = X + r * ld;
      float* __restrict o = h + r * ld;
      for (int c = 0; c < C; ++c) o[c] = act((x[c] - mean[c]) * (1.0f / std::sqrt(var[c] + eps)) * gamma[c] + beta[c], slope);
    }
  });
}

void bnBackward(ParallelFor& pool, int N, int C, const float* dh, const float* h, const float* xhat, const float* gamma,
                const float* var, float eps, float slope, float* dx, float* dgamma, float* dbeta, double* scratch) {
  const size_t ld = C;
  const size_t chunk = std::max(1, 4096 / std::max(C, 1));
  pool.run(N, chunk, [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; ++r)
      for (int c = 0; c < C; ++c) dx[r * ld + c] = h[r * ld + c] > 0 ? dh[r * ld + c] : dh[r * ld + c] * slope;
  });
  double* sums = scratch + 2 * kParts * static_cast<size_t>(C);
  double* sumsX = sums + C;
  partSums(
      pool, N, C, scratch, sums, sumsX, [&](int r, int c) { return static_cast<double>(dx[r * ld + c]); },
      [&](int r, int c) { return static_cast<double>(dx[r * ld + c]) * xhat[r * ld + c]; });
  // Reuse the partial-sum area for the per-channel coefficients.
  float* k = reinterpret_cast<float*>(scratch);
  float* mdy = k + C;
  float* mdyx = mdy + C;
  for (int c = 0; c < C; ++c) {
    dbeta[c] += static_cast<float>(sums[c]);
    dgamma[c] += static_cast<float>(sumsX[c]);
    k[c] = static_cast<float>(gamma[c] / std::sqrt(static_cast<double>(var[c]) + eps));
    mdy[c] = static_cast<float>(sums[c] / N);
    mdyx[c] = static_cast<float>(sumsX[c] / N);
  }
  pool.run(N, chunk, [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; ++r) {
      float* __restrict d = dx + r * ld;
      const float* __restrict xh = xhat + r * ld;
      for (int c = 0; c < C; ++c) d[c] = k[c] * (d[c] - mdy[c] - xh[c] * mdyx[c]);
    }
  });
}

void movingAverage(int C, float* r, const float* v, float momentum) {
  const float decay = static_cast<float>(1.0 - static_cast<double>(momentum));
  for (int c = 0; c < C; ++c) r[c] = r[c] - (r[c] - v[c]) * decay;
}

}  // namespace genlab
