#include "cuda_library.h"

#include <dlfcn.h>

#include <cstdlib>
#include <stdexcept>
#include <sys/stat.h>

#include "cuda_abi.h"

namespace genlab {

namespace {

using AbiFn = int (*)();
using ProbeFn = int (*)(char*, size_t);
using DescribeFn = const char* (*)();
using CreateFn = DcganTrainer* (*)(const DcganSpec*, char*, size_t);

CreateFn g_create = nullptr;

std::string libraryPath() {
  if (const char* p = std::getenv("GENLAB_CUDA_LIBRARY"); p && *p) return p;
  Dl_info info{};
  if (!dladdr(reinterpret_cast<void*>(&cudaStatus), &info) || !info.dli_fname) return "genlab_cuda.so";
  std::string self = info.dli_fname;
  const size_t slash = self.rfind('/');
  return (slash == std::string::npos ? std::string(".") : self.substr(0, slash)) + "/genlab_cuda.so";
}

CudaStatus load() {
  CudaStatus s;
  const std::string path = libraryPath();
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    s.reason = "not built (no CUDA toolkit when GenLab was installed)";
    return s;
  }
  s.built = true;
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* e = dlerror();
    s.reason = std::string("genlab_cuda.so does not load: ") + (e ? e : "unknown error");
    return s;
  }
  auto abi = reinterpret_cast<AbiFn>(dlsym(h, "genlab_cuda_abi"));
  auto probe = reinterpret_cast<ProbeFn>(dlsym(h, "genlab_cuda_probe"));
  auto describe = reinterpret_cast<DescribeFn>(dlsym(h, "genlab_cuda_describe"));
  auto create = reinterpret_cast<CreateFn>(dlsym(h, "genlab_cuda_dcgan"));
  if (!abi || !probe || !describe || !create || abi() != kCudaAbi * 1000 + static_cast<int>(sizeof(DcganSpec))) {
    s.reason = "genlab_cuda.so is from another GenLab build: run `npm rebuild`";
    return s;
  }
  char msg[256] = {0};
  const int n = probe(msg, sizeof msg);
  if (n <= 0) {
    s.reason = std::string("no usable GPU: ") + msg;
    return s;
  }
  s.available = true;
  s.device = describe();
  g_create = create;
  return s;  // the library stays open for the process's life
}

}  // namespace

const CudaStatus& cudaStatus() {
  static const CudaStatus status = load();
  return status;
}

std::unique_ptr<DcganTrainer> makeCudaDcgan(const DcganSpec& spec) {
  const CudaStatus& s = cudaStatus();
  if (!s.available) throw std::runtime_error("CUDA " + s.reason);
  char err[512] = {0};
  DcganTrainer* t = g_create(&spec, err, sizeof err);
  if (!t) throw std::runtime_error(std::string("CUDA trainer not created: ") + err);
  return std::unique_ptr<DcganTrainer>(t);
}

}  // namespace genlab
