#include "parallel.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>

#if defined(__linux__)
#include <sched.h>
#endif

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define GENLAB_PAUSE() _mm_pause()
#else
#define GENLAB_PAUSE() ((void)0)
#endif

namespace genlab {

namespace {

int envThreads(const char* name) {
  const char* v = std::getenv(name);
  const int n = v ? std::atoi(v) : 0;
  return n > 0 ? n : 0;
}

int defaultThreads() {
  if (int n = envThreads("GENLAB_NATIVE_THREADS")) return n;
  if (int n = envThreads("OPENBLAS_NUM_THREADS")) return n;
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
#endif
  return std::max(1u, std::thread::hardware_concurrency());
}

std::atomic<int> g_threads{0};

}  // namespace

int compute_threads() {
  int n = g_threads.load(std::memory_order_relaxed);
  if (n == 0) {
    n = defaultThreads();
    g_threads.store(n, std::memory_order_relaxed);
  }
  return n;
}

void set_compute_threads(int n) { g_threads.store(std::max(1, n), std::memory_order_relaxed); }

ParallelFor::~ParallelFor() { stop(); }

void ParallelFor::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    quit_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  quit_ = false;
}

void ParallelFor::setThreads(int n) {
  n = std::max(1, n);
  if (n == threads()) return;
  stop();
  // The epoch is read here, not in the new thread, so a worker that starts late still wakes for
  // the first job dispatched after this returns.
  const unsigned long e0 = epoch_.load(std::memory_order_acquire);
  for (int i = 1; i < n; ++i) workers_.emplace_back([this, e0] { workerLoop(e0); });
}

uint32_t ParallelFor::work(uint32_t job) {
  uint32_t ran = 0;
  uint64_t s = state_.load(std::memory_order_acquire);
  for (;;) {
    if (static_cast<uint32_t>(s >> 32) != job) return ran;
    const uint32_t i = static_cast<uint32_t>(s);
    if (i >= chunks_.load(std::memory_order_acquire)) return ran;
    if (!state_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel, std::memory_order_acquire)) continue;
    const size_t b = static_cast<size_t>(i) * chunk_, e = std::min(n_, b + chunk_);
    task_(ctx_, b, e);
    ++ran;
    done_.fetch_add(1, std::memory_order_acq_rel);
    s = state_.load(std::memory_order_acquire);
  }
}

void ParallelFor::dispatch(size_t n, size_t chunk, Task task, void* ctx) {
  chunk = std::max<size_t>(chunk, 1);
  if (workers_.empty() || n <= chunk) {
    task(ctx, 0, n);
    return;
  }
  const uint32_t job = ++job_;
  // Close the state first (claims fail from here on: a worker that read the previous job's state
  // fails its CAS), then publish the job's data, then open it with a release store.
  state_.store((static_cast<uint64_t>(job) << 32) | 0xffffffffu, std::memory_order_seq_cst);
  task_ = task;
  ctx_ = ctx;
  n_ = n;
  chunk_ = chunk;
  const uint32_t chunks = static_cast<uint32_t>((n + chunk - 1) / chunk);
  chunks_.store(chunks, std::memory_order_release);
  done_.store(0, std::memory_order_relaxed);
  state_.store(static_cast<uint64_t>(job) << 32, std::memory_order_release);
  {
    std::lock_guard<std::mutex> lock(mu_);
    epoch_.fetch_add(1, std::memory_order_release);
  }
  cv_.notify_all();
  work(job);
  // Chunks a worker claimed may still be running; wait for them (yielding, in case it was preempted).
  for (int spins = 0; done_.load(std::memory_order_acquire) != chunks; ++spins) {
    if (spins < 2000) GENLAB_PAUSE();
    else std::this_thread::yield();
  }
}

void ParallelFor::workerLoop(unsigned long seen) {
  for (;;) {
    // Spin ~20 µs for the next job (yielding now and then, so a busy machine is not starved), then
    // sleep: jobs come twice per step, and a spinning worker would steal a core from OpenBLAS.
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(20);
    unsigned long e;
    int spins = 0;
    while ((e = epoch_.load(std::memory_order_acquire)) == seen) {
      GENLAB_PAUSE();
      if (++spins % 64 == 0) {
        if (std::chrono::steady_clock::now() > until) {
          std::unique_lock<std::mutex> lock(mu_);
          cv_.wait(lock, [&] { return quit_ || epoch_.load(std::memory_order_acquire) != seen; });
          if (quit_) return;
        } else {
          std::this_thread::yield();
        }
      }
    }
    seen = e;
    work(static_cast<uint32_t>(state_.load(std::memory_order_acquire) >> 32));
  }
}

}  // namespace genlab
