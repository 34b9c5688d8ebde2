#include "probes/pool.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace greenlight::probes {

struct ProbePool::Shared {
  std::mutex mutex;
  std::condition_variable wake;   // a job or stop
  std::condition_variable idle;   // a job finished
  std::deque<std::function<void()>> jobs;  // guarded by mutex
  std::size_t running = 0;                 // guarded by mutex
  bool stopping = false;                   // guarded by mutex
  std::vector<std::thread> threads;
};

ProbePool::ProbePool(std::size_t threads) : shared_(std::make_shared<Shared>()) {
  for (std::size_t i = 0; i < threads; ++i) {
    // Each worker holds the shared state, so a detached worker outlives the pool safely.
    shared_->threads.emplace_back([s = shared_] {
      std::unique_lock lock(s->mutex);
      while (true) {
        s->wake.wait(lock, [&] { return s->stopping || !s->jobs.empty(); });
        if (s->stopping) return;
        auto job = std::move(s->jobs.front());
        s->jobs.pop_front();
        ++s->running;
        lock.unlock();
        job();
        lock.lock();
        --s->running;
        s->idle.notify_all();
      }
    });
  }
}

ProbePool::~ProbePool() { stop(std::chrono::milliseconds(0)); }

void ProbePool::submit(std::function<void()> job) {
  {
    std::lock_guard lock(shared_->mutex);
    if (shared_->stopping) return;
    shared_->jobs.push_back(std::move(job));
  }
  shared_->wake.notify_one();
}

std::size_t ProbePool::stop(std::chrono::milliseconds grace) {
  std::size_t still_running = 0;
  {
    std::unique_lock lock(shared_->mutex);
    shared_->stopping = true;
    shared_->jobs.clear();
    shared_->wake.notify_all();
    shared_->idle.wait_for(lock, grace, [&] { return shared_->running == 0; });
    still_running = shared_->running;
  }
  for (auto& t : shared_->threads) {
    if (!t.joinable()) continue;
    if (still_running == 0) {
      t.join();
    } else {
      t.detach();
    }
  }
  return still_running;
}

}  // namespace greenlight::probes
