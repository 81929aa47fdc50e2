// Convolution building blocks for the DCGAN trainer, NHWC throughout (TensorFlow.js's layout, so
// its weight files load unchanged): im2col / col2im for 5×5 kernels with TensorFlow "same"
// padding, GEMMs split across GenLab's pool, and batch-norm / activation passes whose channel
// sums run over a fixed partition of rows (the same result whatever the thread count).
#pragma once

#include <cstddef>
#include <vector>

#include "conv_geom.h"
#include "parallel.h"

namespace genlab {

// cols[rows = B·OH·OW][K] from big X[B][H][W][C] (zeros outside).
void im2col(ParallelFor& pool, const ConvGeom& g, int B, const float* X, float* cols);
// X[B][H][W][C] = Σ of cols scattered back (X is overwritten, not accumulated into).
void col2im(ParallelFor& pool, const ConvGeom& g, int B, const float* cols, float* X);

// C = op(A)·op(B) + beta·C, row-major, split in blocks of the larger of M and N across the pool
// (each block one single-threaded sgemm). ta / tb: A or B transposed.
void pgemm(ParallelFor& pool, bool ta, bool tb, int M, int N, int K, const float* A, int lda, const float* B, int ldb,
           float* C, int ldc, float beta = 0.0f);

// Per-channel sums over N rows of X[N][C] (and of X·Y when Y is given), in double, over a fixed
// partition of the rows. scratch: ≥ 2·kParts·C doubles.
constexpr int kParts = 16;
void channelSums(ParallelFor& pool, int N, int C, const float* X, const float* Y, double* sumX, double* sumXY,
                 double* scratch);

// Training-mode batch norm over N rows of X[N][C] (batch statistics, biased variance, as
// tf.moments) fused with the activation (slope 0: ReLU, else LeakyReLU): writes xhat and h =
// act(gamma·xhat + beta); mean / var (float) for the running statistics.
void bnForwardTrain(ParallelFor& pool, int N, int C, const float* X, const float* gamma, const float* beta, float eps,
                    float slope, float* xhat, float* h, float* mean, float* var, double* scratch);
// Inference: running statistics.
void bnForwardInfer(ParallelFor& pool, int N, int C, const float* X, const float* gamma, const float* beta,
                    const float* mean, const float* var, float eps, float slope, float* h);
// Backward through act(gamma·xhat + beta) with batch statistics: dh (grad w.r.t. h) → dx (may
// alias dh); dgamma / dbeta are accumulated into (+=). var: this batch's variance.
void bnBackward(ParallelFor& pool, int N, int C, const float* dh, const float* h, const float* xhat, const float* gamma,
                const float* var, float eps, float slope, float* dx, float* dgamma, float* dbeta, double* scratch);
// tf.layers' moving average: r ← r − (r − v)·(1 − momentum).
void movingAverage(int C, float* r, const float* v, float momentum);

}  // namespace genlab
