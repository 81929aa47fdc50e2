#include "gemm.h"

#include <cblas.h>

namespace genlab {

void gemm_nn(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc, float beta) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, A, lda, B, ldb, beta, C, ldc);
}

void gemm_tn(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc, float beta) {
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, M, N, K, 1.0f, A, lda, B, ldb, beta, C, ldc);
}

void gemm_nt(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc, float beta) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0f, A, lda, B, ldb, beta, C, ldc);
}

void gemv_n(int M, int K, const float* A, int lda, const float* x, float* y) {
  cblas_sgemv(CblasRowMajor, CblasNoTrans, M, K, 1.0f, A, lda, x, 1, 0.0f, y, 1);
}

void gemv_t(int M, int K, const float* A, int lda, const float* x, float* y) {
  cblas_sgemv(CblasRowMajor, CblasTrans, M, K, 1.0f, A, lda, x, 1, 0.0f, y, 1);
}

void blas_single_threaded() { openblas_set_num_threads(1); }

std::string blas_name() {
  std::string s = openblas_get_config();
  const char* core = openblas_get_corename();
  if (core) s += std::string(" (core ") + core + ")";
  return s;
}

}  // namespace genlab
