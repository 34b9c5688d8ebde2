#pragma once

// A fixed pool of threads that run probe jobs. Bounded: at most `threads` probes run at
// once; the scheduler never queues a signal that is still in flight, so the queue is
// bounded by the number of signals. A hung probe occupies one thread until its own
// timeout, never the others.
// Thread-safety: submit() and stop() may be called from any thread.

#include <chrono>
#include <functional>
#include <memory>

namespace greenlight::probes {

class ProbePool {
 public:
  explicit ProbePool(std::size_t threads);
  ~ProbePool();
  ProbePool(const ProbePool&) = delete;
  ProbePool& operator=(const ProbePool&) = delete;

  void submit(std::function<void()> job);

  // Drops queued jobs, waits up to `grace` for running ones, and returns how many were
  // still running then (those threads are detached; they only touch shared state).
  std::size_t stop(std::chrono::milliseconds grace);

 private:
  struct Shared;
  std::shared_ptr<Shared> shared_;
};

}  // namespace greenlight::probes
