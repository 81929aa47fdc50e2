// Thin, row-major wrappers around OpenBLAS's cblas_sgemm / sgemv. Transposes are expressed as
// cblas flags (never as copies); leading dimensions are explicit so a layer can read or write a
// column slice of a wider buffer (e.g. G's output written straight into D's input rows).
#pragma once

#include <string>

namespace genlab {

// C[M×N] = A[M×K] · B[K×N] + beta·C
void gemm_nn(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
             float beta = 0.0f);
// C[M×N] = A[K×M]ᵀ · B[K×N] + beta·C      (weight gradients: Xᵀ·dY)
void gemm_tn(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
             float beta = 0.0f);
// C[M×N] = A[M×K] · B[N×K]ᵀ + beta·C      (input gradients: dY·Wᵀ)
void gemm_nt(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
             float beta = 0.0f);
// y[M] = A[M×K] · x[K]
void gemv_n(int M, int K, const float* A, int lda, const float* x, float* y);
// y[K] = A[M×K]ᵀ · x[M]
void gemv_t(int M, int K, const float* A, int lda, const float* x, float* y);

// OpenBLAS runs single-threaded: GenLab splits each GEMM across its own pool (see dense.h).
void blas_single_threaded();
// e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64 (core SkylakeX)"
std::string blas_name();

}  // namespace genlab
