#include "dense.h"

#include <algorithm>
#include <cstring>

#include "gemm.h"
#include "vecmath.h"

namespace genlab {

namespace {

// Splits `n` columns (or rows) into one block per thread, 16-aligned (the sgemm kernel's unroll),
// or a single block when the work is too small to be worth a fork-join.
size_t blockSize(const ParallelFor& pool, size_t n, double flops) {
  const size_t T = static_cast<size_t>(pool.threads());
  if (T == 1 || flops < 2e6 || n < 32) return n;
  const size_t per = (n + T - 1) / T;
  return std::min(n, (per + 15) / 16 * 16);
}

}  // namespace

void bias_act(float* Y, int ldy, int rows, int c0, int c1, const float* __restrict b, Act act, float slope) {
  for (int i = 0; i < rows; ++i) {
    float* __restrict y = Y + static_cast<long>(i) * ldy;
    switch (act) {
      case Act::LeakyRelu:
        for (int j = c0; j < c1; ++j) {
          const float v = y[j] + b[j];
          y[j] = v > 0.0f ? v : v * slope;
        }
        break;
      case Act::Tanh:
        for (int j = c0; j < c1; ++j) y[j] = vtanh(y[j] + b[j]);
        break;
      case Act::None:
        for (int j = c0; j < c1; ++j) y[j] += b[j];
        break;
    }
  }
}

void act_grad(float* dY, int lddy, const float* Y, int ldy, int rows, int c0, int c1, Act act, float slope,
              float* __restrict db) {
  if (db) std::fill(db + c0, db + c1, 0.0f);
  for (int i = 0; i < rows; ++i) {
    float* __restrict d = dY + static_cast<long>(i) * lddy;
    const float* __restrict y = Y + static_cast<long>(i) * ldy;
    switch (act) {
      case Act::LeakyRelu:
        // LeakyReLU keeps the sign (slope >= 0), so the output tells which branch was taken.
        for (int j = c0; j < c1; ++j) d[j] = y[j] > 0.0f ? d[j] : d[j] * slope;
        break;
      case Act::Tanh:
        for (int j = c0; j < c1; ++j) d[j] = d[j] * (1.0f - y[j] * y[j]);
        break;
      case Act::None:
        break;
    }
    if (db)
      for (int j = c0; j < c1; ++j) db[j] += d[j];
  }
}

void dense_forward(ParallelFor& pool, const Dense& L, const float* X, int ldx, float* Y, int ldy, int rows,
                   float slope) {
  if (L.out == 1) {
    gemv_n(rows, L.in, X, ldx, L.W, Y);
    const float b = L.b[0];
    for (int i = 0; i < rows; ++i) {
      float v = Y[i] + b;
      if (L.act == Act::LeakyRelu) v = v > 0.0f ? v : v * slope;
      else if (L.act == Act::Tanh) v = vtanh(v);
      Y[i] = v;
    }
    return;
  }
  // Column blocks of Y: Y[:, c0:c1] = X · W[:, c0:c1], then bias + activation on the block.
  const size_t bs = blockSize(pool, L.out, 2.0 * rows * L.in * L.out);
  pool.run(L.out, bs, [&](size_t c0, size_t c1) {
    const int n = static_cast<int>(c1 - c0);
    gemm_nn(rows, n, L.in, X, ldx, L.W + c0, L.out, Y + c0, ldy);
    bias_act(Y, ldy, rows, static_cast<int>(c0), static_cast<int>(c1), L.b, L.act, slope);
  });
}

void dense_backward(ParallelFor& pool, const Dense& L, const float* X, int ldx, const float* Y, int ldy, float* dY,
                    int lddy, int rows, float slope, bool paramGrads, float* dX, int lddx, int dxCols) {
  float* db = paramGrads ? L.db : nullptr;
  if (L.out == 1) {
    // Column vectors: dW = Xᵀ·dz (gemv), dX = dz ⊗ w (outer product).
    act_grad(dY, lddy, Y, ldy, rows, 0, 1, L.act, slope, db);
    if (paramGrads) gemv_t(rows, L.in, X, ldx, dY, L.dW);
    if (dX) {
      const float* __restrict w = L.W;
      for (int i = 0; i < rows; ++i) {
        const float g = dY[static_cast<long>(i) * lddy];
        float* __restrict dx = dX + static_cast<long>(i) * lddx;
        for (int j = 0; j < dxCols; ++j) dx[j] = g * w[j];
      }
    }
    return;
  }
  {
    const size_t bs = blockSize(pool, L.out, 8.0 * rows * L.out);
    pool.run(L.out, bs, [&](size_t c0, size_t c1) {
      act_grad(dY, lddy, Y, ldy, rows, static_cast<int>(c0), static_cast<int>(c1), L.act, slope, db);
    });
  }
  // dW and dX are independent: one fork-join over the row blocks of dW (= Xᵀ·dZ, split along `in`:
  // each block packs only its slice of X) followed by the column blocks of dX (= dZ·Wᵀ).
  const size_t wRows = paramGrads ? static_cast<size_t>(L.in) : 0;
  const size_t xCols = dX ? static_cast<size_t>(dxCols) : 0;
  if (wRows + xCols == 0) return;
  const size_t wBs = wRows ? blockSize(pool, wRows, 2.0 * rows * wRows * L.out) : 1;
  const size_t xBs = xCols ? blockSize(pool, xCols, 2.0 * rows * xCols * L.out) : 1;
  const size_t wBlocks = wRows ? (wRows + wBs - 1) / wBs : 0;
  const size_t xBlocks = xCols ? (xCols + xBs - 1) / xBs : 0;
  pool.run(wBlocks + xBlocks, 1, [&](size_t k0, size_t k1) {
    for (size_t k = k0; k < k1; ++k) {
      if (k < wBlocks) {
        const size_t r0 = k * wBs, r1 = std::min(wRows, r0 + wBs);
        gemm_tn(static_cast<int>(r1 - r0), L.out, rows, X + r0, ldx, dY, lddy, L.dW + r0 * L.out, L.out);
      } else {
        const size_t c0 = (k - wBlocks) * xBs, c1 = std::min(xCols, c0 + xBs);
        gemm_nt(rows, static_cast<int>(c1 - c0), L.out, dY, lddy, L.W + c0 * L.out, L.out, dX + c0, lddx);
      }
    }
  });
}

}  // namespace genlab
