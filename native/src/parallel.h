// A tiny fork-join pool — all of the trainer's parallelism: GEMM column/row blocks (each a
// single-threaded cblas_sgemm, see dense.h) and Adam chunks. The calling thread plus N−1 persistent
// workers pull chunks of an index range from a shared counter, so if a worker is not scheduled
// (busy machine) the caller simply does its chunks. Workers spin ~20 µs after a job (jobs come
// back to back within a step), then sleep on a condition variable: an idle trainer costs no CPU.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace genlab {

// Threads for GenLab's compute (GEMM blocks, Adam): GENLAB_NATIVE_THREADS, else OPENBLAS_NUM_THREADS,
// else the CPUs this process may run on (its affinity mask). Process-wide; trainers follow it.
int compute_threads();
void set_compute_threads(int n);

class ParallelFor {
 public:
  ParallelFor() = default;
  ~ParallelFor();
  ParallelFor(const ParallelFor&) = delete;
  ParallelFor& operator=(const ParallelFor&) = delete;

  // Total threads including the caller (>= 1). Changing it joins and restarts the workers.
  void setThreads(int n);
  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  // fn(begin, end) over [0, n) in chunks of `chunk` elements (the last one shorter).
  template <class F>
  void run(size_t n, size_t chunk, F&& fn) {
    using Fn = std::remove_reference_t<F>;
    dispatch(n, chunk, [](void* ctx, size_t b, size_t e) { (*static_cast<Fn*>(ctx))(b, e); }, &fn);
  }

 private:
  using Task = void (*)(void*, size_t, size_t);
  void dispatch(size_t n, size_t chunk, Task task, void* ctx);
  // Claims and runs chunks of job `job` until none are left; returns how many it ran.
  uint32_t work(uint32_t job);
  void workerLoop(unsigned long seen);
  void stop();

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool quit_ = false;
  std::atomic<unsigned long> epoch_{0};  // bumped (under mu_) for every job: wakes the workers
  // (job id << 32) | next chunk index. A worker only claims chunks of the job it read the id of,
  // and the caller returns only when every chunk is done, so job data outlives all its users.
  std::atomic<uint64_t> state_{0};
  std::atomic<uint32_t> done_{0};
  uint32_t job_ = 0;
  Task task_ = nullptr;
  void* ctx_ = nullptr;
  size_t n_ = 0, chunk_ = 0;
  std::atomic<uint32_t> chunks_{0};
};

}  // namespace genlab
