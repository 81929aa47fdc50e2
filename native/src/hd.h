// GL_HD marks code that runs on the host and, compiled by nvcc, on a CUDA device too.
#pragma once

#if defined(__CUDACC__)
#define GL_HD __host__ __device__
#else
#define GL_HD
#endif
